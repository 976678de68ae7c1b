/**
 * Validation of training settings against their JSON Schema (./schema.ts) with ajv, and one
 * readable error per problem that names the field, the value and what is allowed, e.g.
 * "training: optimizer adam: beta_1 must be in [0, 1) (got 1)".
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { trainingSchema } from './schema';

type Schema = Record<string, unknown>;
type Obj = Record<string, unknown>;

let compiled: { validate: ValidateFunction; schema: Schema } | undefined;

function validator() {
  if (!compiled) {
    const schema = trainingSchema();
    // verbose: errors carry the failing subschema, from which the allowed range is read.
    const ajv = new Ajv({
      discriminator: true,
      verbose: true,
      strict: true,
      strictTypes: false,
      strictRequired: false
    });
    compiled = { validate: ajv.compile(schema), schema };
  }
  return compiled;
}

/** Whether the error comes from a branch that exists only for another shape of the value. */
function viaAlternative(schema: Schema, schemaPath: string): boolean {
  let node: unknown = schema;
  for (const part of schemaPath.replace(/^#\//, '').split('/')) {
    if (node == null || typeof node !== 'object') return false;
    if ((node as Schema).$comment === 'alternative') return true;
    node = (node as Obj)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return false;
}

/** "in [0, 1)", "an integer >= 1", ">= 0" … from a number subschema's bounds. */
function rangeText(s: Schema): string {
  const lo = (s.minimum ?? s.exclusiveMinimum) as number | undefined;
  const hi = (s.maximum ?? s.exclusiveMaximum) as number | undefined;
  const kind = s.type === 'integer' ? 'an integer ' : '';
  if (lo != null && hi != null) {
    const open = s.minimum != null ? '[' : '(';
    const close = s.maximum != null ? ']' : ')';
    return `${kind}in ${open}${lo}, ${hi}${close}`;
  }
  if (lo != null) return `${kind}${s.minimum != null ? '>=' : '>'} ${lo}`;
  if (hi != null) return `${kind}${s.maximum != null ? '<=' : '<'} ${hi}`;
  return s.type === 'integer' ? 'an integer' : 'a number';
}

/** The names of a discriminated union's branches (optimizers, losses). */
function branchNames(s: Schema): string[] {
  return ((s.oneOf ?? []) as Schema[])
    .map(b => ((b.properties as Obj | undefined)?.name as { const?: string } | undefined)?.const)
    .filter((n): n is string => typeof n === 'string');
}

const got = (v: unknown) => `(got ${JSON.stringify(v)})`;

function describe(e: ErrorObject, data: Obj): string {
  const parts = e.instancePath.split('/').slice(1);
  const field = parts[0];
  // Parameters of an optimizer or a loss are named with it: "optimizer adam: beta_1 …".
  const named = (field === 'optimizer' || field === 'loss') && typeof data[field] === 'object';
  const owner = named ? `${field} ${String((data[field] as Obj)?.name)}` : field;
  const where = parts.length > 1 ? `${owner}: ${parts.slice(1).join('.')}` : (field ?? '');
  const sub = (e.parentSchema ?? {}) as Schema;
  if (field === 'class_weight') {
    return `class_weight must be 'none', 'balanced' or one weight >= 0 per class ${got(data.class_weight)}`;
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((sub.properties ?? {}) as Obj).filter(k => k !== 'name');
      return parts.length === 0
        ? `unknown setting '${extra}' (known: ${known.join(', ')})`
        : `${owner}: unknown parameter '${extra}' (known: ${known.join(', ')})`;
    }
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      const names = branchNames(sub);
      return `${where}: ${missing} is required${names.length ? ` (one of ${names.join(', ')})` : ''}`;
    }
    case 'discriminator': {
      const names = branchNames(sub);
      const value = (e.params as { tagValue?: unknown }).tagValue;
      return value === undefined
        ? `${where}: name is required (one of ${names.join(', ')})`
        : `${where} must be one of ${names.join(', ')} ${got(value)}`;
    }
    case 'enum':
      return `${where} must be one of ${(sub.enum as unknown[]).join(', ')} ${got(e.data)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${where} must be ${rangeText(sub)} ${got(e.data)}`;
    case 'type': {
      const type = sub.type;
      if (type === 'number' || type === 'integer') {
        return `${where} must be ${rangeText(sub)} ${got(e.data)}`;
      }
      if (type === 'boolean') return `${where} must be true or false ${got(e.data)}`;
      if (parts.length === 0) return `settings must be an object ${got(e.data)}`;
      return `${where} must be ${type === 'object' ? 'an object or null' : `a ${String(type)}`} ${got(e.data)}`;
    }
    default:
      return `${where || 'settings'} ${e.message ?? 'is invalid'} ${got(e.data)}`;
  }
}

/**
 * Throws "training: …" for the first problem of `settings` (shorthands already expanded to
 * objects, as resolveTraining does before calling this).
 */
export function assertValidTraining(settings: unknown): void {
  const { validate, schema } = validator();
  if (validate(settings)) return;
  const errors = validate.errors ?? [];
  // oneOf reports the failures of every branch: keep those of the branch the value is meant
  // for (not a shorthand's), and the summary "must match exactly one schema" only as a last resort.
  const relevant = errors.filter(
    e => !viaAlternative(schema, e.schemaPath) && e.keyword !== 'oneOf'
  );
  const first = relevant[0] ?? errors[0];
  throw new Error(`training: ${describe(first, (settings ?? {}) as Obj)}`);
}
