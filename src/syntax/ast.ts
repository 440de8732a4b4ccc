// The syntax tree's types, re-exported so that only this folder imports the parser's packages.
export type { Node, File, Comment, SourceLocation } from '@babel/types';
