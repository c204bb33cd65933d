/**
 * The --policy FILE format (JSON, validated with ajv):
 *
 *   { "rules": [
 *       { "user": "root",      "max_scope": "DEBUG_WRITE_FULL" },
 *       { "group": "mlx5ctl",  "max_scope": "DEBUG_READ_ONLY" },
 *       { "uid": 1000,         "max_scope": 2, "default_scope": "DEBUG_READ_ONLY" } ] }
 *
 * A rule names exactly one of uid / user / gid / group. Scopes are names or numbers 0..3.
 * `default_scope` caps RPCs over the mlx5ctl uAPI, which carries no scope (default: max_scope).
 * A file that does not validate, or names an unknown user or group, stops the broker at start.
 */
import { systemErrorText } from '../uapi/errno';
import Ajv, { Schema } from 'ajv';
import * as fs from 'fs';
import { Scope, ScopeValue } from '../uapi/fwctl';
import { lookupGroup, Policy, PolicyRule } from './policy';

type ScopeSpec = number | 'CONFIGURATION' | 'DEBUG_READ_ONLY' | 'DEBUG_WRITE' | 'DEBUG_WRITE_FULL';

interface RuleSpec {
  uid?: number;
  user?: string;
  gid?: number;
  group?: string;
  max_scope: ScopeSpec;
  default_scope?: ScopeSpec;
}

interface PolicySpec {
  rules: RuleSpec[];
}

const scopeSchema = {
  oneOf: [
    { type: 'integer', minimum: 0, maximum: 3 },
    { type: 'string', enum: ['CONFIGURATION', 'DEBUG_READ_ONLY', 'DEBUG_WRITE', 'DEBUG_WRITE_FULL'] },
  ],
};

const policySchema: Schema = {
  type: 'object',
  properties: {
    rules: {
      type: 'array',
      maxItems: 1024,
      items: {
        type: 'object',
        properties: {
          uid: { type: 'integer', minimum: 0, maximum: 0xfffffffe },
          user: { type: 'string', minLength: 1, maxLength: 64 },
          gid: { type: 'integer', minimum: 0, maximum: 0xfffffffe },
          group: { type: 'string', minLength: 1, maxLength: 64 },
          max_scope: scopeSchema,
          default_scope: scopeSchema,
        },
        required: ['max_scope'],
        oneOf: [{ required: ['uid'] }, { required: ['user'] }, { required: ['gid'] }, { required: ['group'] }],
        additionalProperties: false,
      },
    },
  },
  required: ['rules'],
  additionalProperties: false,
};

const validatePolicy = new Ajv({ allErrors: true }).compile<PolicySpec>(policySchema);

export class PolicyFileError extends Error {
  readonly code = 'EPOLICY';
}

function toScope(spec: ScopeSpec): ScopeValue {
  return (typeof spec === 'number' ? spec : Scope[spec]) as ScopeValue;
}

function lookupUser(name: string, passwdFile = '/etc/passwd'): number | undefined {
  try {
    for (const line of fs.readFileSync(passwdFile, 'utf8').split('\n')) {
      const [user, , uid] = line.split(':');
      if (user === name && uid !== undefined && /^\d+$/.test(uid)) return Number(uid);
    }
  } catch {
    // No passwd database: the user does not exist here.
  }
  return undefined;
}

export function parsePolicy(text: string, where = 'policy'): Policy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PolicyFileError(`${where}: not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!validatePolicy(json)) {
    const errors = (validatePolicy.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
    throw new PolicyFileError(`${where}: ${errors}`);
  }
  const rules: PolicyRule[] = json.rules.map((r, i) => {
    const rule: PolicyRule = { maxScope: toScope(r.max_scope) };
    if (r.default_scope !== undefined) rule.defaultScope = toScope(r.default_scope);
    if (rule.defaultScope !== undefined && rule.defaultScope > rule.maxScope) {
      throw new PolicyFileError(`${where}: rule ${i}: default_scope above max_scope`);
    }
    if (r.uid !== undefined) rule.uid = r.uid;
    if (r.gid !== undefined) rule.gid = r.gid;
    if (r.user !== undefined) {
      rule.uid = lookupUser(r.user);
      if (rule.uid === undefined) throw new PolicyFileError(`${where}: rule ${i}: unknown user "${r.user}"`);
    }
    if (r.group !== undefined) {
      rule.gid = lookupGroup(r.group);
      if (rule.gid === undefined) throw new PolicyFileError(`${where}: rule ${i}: unknown group "${r.group}"`);
    }
    return rule;
  });
  return { rules };
}

export function loadPolicyFile(file: string): Policy {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new PolicyFileError(`cannot read policy ${file}: ${systemErrorText(err)}`);
  }
  return parsePolicy(text, file);
}
