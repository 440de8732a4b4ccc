// AWS Lambda (and look-alikes: Netlify, Vercel functions): the exported `handler` runs per invocation.
import type { ExportSignal } from './types.js';

export const lambdaHandler: ExportSignal = (name) => (name === 'handler' ? { kind: 'hot', description: 'inside the Lambda handler `handler`', serves: 'request' } : null);
