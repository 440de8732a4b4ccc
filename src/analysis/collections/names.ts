// How the fan-out analyses name things: a member's name, the last name of a
// callee, source-like text for messages, registries by name.
import { words } from '../../knowledge/call-verbs.js';
import { REGISTRY_NAMES } from '../../knowledge/limiters.js';
import { memberPropertyName, unwrapExpression } from '../resolve.js';
import { propertyKeyName } from '../scope.js';

/** `plugins`, `dataProviderServices`, `getAdapters`: the last word of the name names a registry. */
export function isRegistryName(name: string): boolean {
  const last = words(name).pop();
  return REGISTRY_NAMES.test(name) || (!!last && REGISTRY_NAMES.test(last));
}

export function isMember(node: any): boolean {
  return node?.type === 'MemberExpression' || node?.type === 'OptionalMemberExpression';
}

/** A member's property name, with private names as `#name`. */
export function memberName(node: any): string | null {
  if (!node.computed && node.property?.type === 'PrivateName') return `#${node.property.id.name}`;
  return memberPropertyName(node);
}

export function lastName(node: any): string | null {
  node = unwrapExpression(node);
  if (node.type === 'Identifier') return node.name;
  if (isMember(node)) return memberName(node);
  return null;
}

/** Source-like text: `req.body.ids`, `files`, `items.filter(…)`, `this.#files`. */
export function describe(node: any): string {
  node = unwrapExpression(node);
  switch (node?.type) {
    case 'Identifier':
      return node.name;
    case 'ThisExpression':
      return 'this';
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const prop = memberName(node);
      return `${describe(node.object)}.${prop ?? '[…]'}`;
    }
    case 'CallExpression':
    case 'OptionalCallExpression':
      return `${describe(node.callee)}(…)`;
    case 'AwaitExpression':
      return `await ${describe(node.argument)}`;
    case 'ArrayExpression':
      return node.elements.length === 1 && node.elements[0]?.type === 'SpreadElement' ? `[...${describe(node.elements[0].argument)}]` : '[…]';
    case 'LogicalExpression':
      return describe(node.left);
    default:
      return '…';
  }
}

/** The name a class field declares (`files`, `#files`), or null for other class members. */
export function classFieldName(member: any): string | null {
  if (member.type !== 'ClassProperty' && member.type !== 'ClassPrivateProperty') return null;
  return member.key?.type === 'PrivateName' ? `#${member.key.id.name}` : propertyKeyName(member);
}
