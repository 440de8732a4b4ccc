// The JSON Schema of loopguard.config.json, generated from the same tables the config reader checks against (its keys,
// the rules and their options), so editors complete and validate what loopguard accepts. Written to
// docs/loopguard.config.schema.json by `npm run docs`, shipped in the package, and kept equal by a test.
import type { OptionSpec } from '../engine/rule-api.js';
import { CONFIG_KEYS, DEFAULT_MAX_FILE_SIZE_KB } from './config.js';
import { ALL_RULE_METAS } from './registry.js';
import { IMPACTS } from '../knowledge/impact.js';

export const CONFIG_SCHEMA_PATH = 'docs/loopguard.config.schema.json';

const SEVERITY = { enum: ['error', 'warn', 'warning', 'off'], description: '"warning" is an alias of "warn"' };
const PATTERNS = { type: 'array', items: { type: 'string', minLength: 1 } };

function optionSchema(spec: OptionSpec): object {
  const base = { description: spec.description, default: spec.default };
  switch (spec.type) {
    case 'number':
      return { ...base, type: 'number', ...(spec.minimum !== undefined ? { minimum: spec.minimum } : {}) };
    case 'string':
      return { ...base, type: 'string' };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'string[]':
      return { ...base, type: 'array', items: { type: 'string' } };
  }
}

function rulesSchema(): object {
  const properties: Record<string, object> = {};
  for (const meta of ALL_RULE_METAS) {
    const options = Object.entries(meta.options ?? {});
    const optionsObject = {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(options.map(([name, spec]) => [name, optionSchema(spec)])),
    };
    properties[meta.id] = {
      description: `${meta.description} (default: ${meta.severity})`,
      oneOf: [SEVERITY, { type: 'array', minItems: 1, maxItems: 2, items: [SEVERITY, optionsObject] }],
    };
  }
  return { type: 'object', additionalProperties: false, properties };
}

export function configSchema(): object {
  const rules = rulesSchema();
  const properties: Record<string, object> = {
    $schema: { type: 'string' },
    rules,
    ignore: PATTERNS,
    scripts: PATTERNS,
    blocking: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['module', 'export', 'alternative'],
        properties: {
          module: { type: 'string', minLength: 1, description: 'the package (a `node:` prefix is optional)' },
          export: { type: 'string', minLength: 1, description: 'a name, a dotted path (`Client.querySync`), `default`, or a pattern such as `*Sync`' },
          alternative: { type: 'string', minLength: 1, description: 'what to use instead, shown in the help line' },
          reason: { type: 'string' },
        },
      },
    },
    maxFileSizeKb: { type: 'integer', minimum: 1, default: DEFAULT_MAX_FILE_SIZE_KB },
    baseline: { type: 'string', minLength: 1 },
    impact: { enum: [...IMPACTS], default: 'medium' },
    overrides: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['files', 'rules'],
        properties: { files: { ...PATTERNS, minItems: 1 }, rules },
      },
    },
  };
  for (const [key, schema] of Object.entries(properties)) properties[key] = { description: CONFIG_KEYS[key], ...schema };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'loopguard configuration (loopguard.config.json, or the "loopguard" key of package.json)',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

export function configSchemaText(): string {
  return JSON.stringify(configSchema(), null, 2) + '\n';
}
