/**
 * The registry of image-processing modules: lookup, the catalog shown by `mf.modules.list()`,
 * and parameter validation (JSON Schema via ajv, defaults filled in, errors that name the
 * module and the parameter).
 */
import type { ValidateFunction } from 'ajv';
import { ajv, formatErrors } from '../util/ajv';
import type { ModuleDefinition, ModuleInfo } from './types';
import { rescale } from './rescale';
import { resize } from './resize';
import { minMaxNormalization } from './min_max_normalization';
import { grayscale } from './grayscale';

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

/** Adds a module to the registry (built-ins now; user modules later). */
export function register<P>(def: ModuleDefinition<P>): void {
  if (!/^[a-z][a-z0-9_]*$/.test(def.name)) {
    throw new Error(`module name '${def.name}' must be snake_case`);
  }
  modules.set(def.name, def as unknown as ModuleDefinition);
  validators.set(def.name, ajv().compile(def.params));
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

/** The catalog: name, category, modality, description and JSON-Schema params of every module. */
export function listModules(): ModuleInfo[] {
  return [...modules.values()].map(({ name, category, modality, description, params }) => ({
    name,
    category,
    modality: modality.slice(),
    description,
    params: structuredClone(params)
  }));
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
    let problems = formatErrors(validate.errors, filled);
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

register(rescale);
register(resize);
register(minMaxNormalization);
register(grayscale);
