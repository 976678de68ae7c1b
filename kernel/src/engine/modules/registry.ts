/**
 * The registry of image-processing modules: lookup, the catalog shown by `mf.modules.list()`,
 * and parameter validation (JSON Schema via ajv, defaults filled in, errors that name the
 * module and the parameter). Built-ins are registered when this file loads; user modules
 * (origin 'user') may be registered, replaced and unregistered at any time.
 */
import type { ValidateFunction } from 'ajv';
import { ajv, formatErrors } from '../util/ajv';
import type { ModuleContext, ModuleDefinition, ModuleInfo, ModuleResult } from './types';
import { BUILTIN_MODULES } from './catalog';

/** Error for invalid module parameters; `problems` holds one line per problem. */
export class ModuleParamsError extends Error {
  constructor(
    readonly module: string,
    readonly problems: string[]
  ) {
    super(problems.map(p => `${module}: ${p}`).join('\n'));
    this.name = 'ModuleParamsError';
  }
}

const modules = new Map<string, ModuleDefinition>();
const validators = new Map<string, ValidateFunction>();
const revisions = new Map<string, number>();
let lastRevision = 0;

/**
 * Adds a module. A user module replaces an earlier user module of the same name (re-running
 * the cell that defines it); built-in modules can never be replaced.
 */
export function register<P>(def: ModuleDefinition<P>): void {
  if (!/^[a-z][a-z0-9_]*$/.test(def.name)) {
    throw new Error(`module name '${def.name}' must be snake_case`);
  }
  if (def.origin !== 'builtin' && def.origin !== 'user') {
    throw new Error(`module '${def.name}': origin must be 'builtin' or 'user'`);
  }
  const existing = modules.get(def.name);
  if (existing?.origin === 'builtin') {
    throw new Error(
      `module '${def.name}' is a built-in module and cannot be replaced; choose another name`
    );
  }
  if (existing && def.origin === 'builtin') {
    throw new Error(`module '${def.name}' is already registered as a user module`);
  }
  // Compile first, so that a bad schema leaves the registry as it was.
  const validator = ajv().compile(def.params);
  modules.set(def.name, def as unknown as ModuleDefinition);
  validators.set(def.name, validator);
  revisions.set(def.name, ++lastRevision);
}

/**
 * A number that changes whenever a module of that name is (re)registered. Caches of processed
 * images include it in their keys: re-running a `%%python module` cell with new code must not
 * return results of the old code with the same parameters.
 */
export function moduleRevision(name: string): number {
  return revisions.get(name) ?? 0;
}

/** Removes a user module; built-ins cannot be removed. Returns false if there was none. */
export function unregister(name: string): boolean {
  const def = modules.get(name);
  if (!def) return false;
  if (def.origin === 'builtin') {
    throw new Error(`module '${name}' is a built-in module and cannot be unregistered`);
  }
  modules.delete(name);
  validators.delete(name);
  return true;
}

export function getModule(name: string): ModuleDefinition {
  const def = modules.get(name);
  if (!def) {
    throw new Error(
      `unknown module '${name}' (available: ${[...modules.keys()].sort().join(', ')})`
    );
  }
  return def;
}

/** The catalog entry of a module (copies, so callers cannot change the registry). */
export function moduleInfo(def: ModuleDefinition): ModuleInfo {
  return {
    name: def.name,
    category: def.category,
    modality: def.modality.slice(),
    dimension: def.dimension,
    origin: def.origin,
    description: def.description,
    params: structuredClone(def.params)
  };
}

/** The catalog: every module with category, modality, dimension, origin and JSON-Schema params. */
export function listModules(): ModuleInfo[] {
  return [...modules.values()].map(moduleInfo);
}

/**
 * The `$comment` of the if/then branch an error comes from (e.g. "value applies only to the
 * constant mode"), so that the message says why a parameter combination is refused.
 */
function conditionNote(schema: unknown, schemaPath: string): string {
  let node = schema as Record<string, unknown> | undefined;
  for (const part of schemaPath.replace(/^#\//, '').split('/')) {
    node = node?.[part] as Record<string, unknown> | undefined;
    if ((part === 'then' || part === 'else') && typeof node?.$comment === 'string') {
      return ` (${node.$comment})`;
    }
  }
  return '';
}

/** Validates parameters and returns them with defaults filled in (the input is not modified). */
export function validateParams(name: string, params: unknown = {}): Record<string, unknown> {
  const def = getModule(name);
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new ModuleParamsError(name, [
      `parameters must be an object (got ${JSON.stringify(params)})`
    ]);
  }
  const filled = structuredClone(params) as Record<string, unknown>;
  const validate = validators.get(name)!;
  if (!validate(filled)) {
    const errors = validate.errors ?? [];
    let problems = formatErrors(errors, filled)
      .map((p, i) => {
        const e = errors[i];
        const allowed = (e.params as { allowedValue?: unknown }).allowedValue;
        const text =
          e.keyword === 'const'
            ? p.replace('must be equal to constant', `must be ${JSON.stringify(allowed)}`)
            : p;
        return text + conditionNote(def.params, e.schemaPath);
      })
      // if/then conditions add a generic 'must match "then" schema' line next to the real one.
      .filter(p => !/must match "(then|else)" schema/.test(p));
    if (problems.some(p => p.startsWith('unknown parameter'))) {
      const known = Object.keys(def.params.properties).join(', ');
      problems = problems.map(p =>
        p.startsWith('unknown parameter') ? `${p} (known: ${known})` : p
      );
    }
    throw new ModuleParamsError(name, problems);
  }
  const extra = def.check?.(filled) ?? [];
  if (extra.length > 0) throw new ModuleParamsError(name, extra);
  return filled;
}

/**
 * Runs a synchronous module on one item (validating its parameters first). For scripts and
 * tests; asynchronous (user) modules go through the preprocessing functions instead.
 */
export function applyModule(
  name: string,
  data: Parameters<ModuleDefinition['apply']>[0],
  params: Record<string, unknown> = {},
  context?: ModuleContext
): ModuleResult {
  const result = getModule(name).apply(data, validateParams(name, params), context);
  if (result instanceof Promise) {
    throw new Error(`module '${name}' is asynchronous: use applyModuleAsync`);
  }
  return result;
}

/** applyModule for any module, synchronous or not. */
export async function applyModuleAsync(
  name: string,
  data: Parameters<ModuleDefinition['apply']>[0],
  params: Record<string, unknown> = {},
  context?: ModuleContext
): Promise<ModuleResult> {
  return getModule(name).apply(data, validateParams(name, params), context);
}

for (const def of BUILTIN_MODULES) register(def);
