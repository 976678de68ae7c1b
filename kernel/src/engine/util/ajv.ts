/**
 * The engine's one ajv instance (JSON Schema draft-07), with the shared document schemas of
 * schema/ registered so that the pipeline schema's $ref to the network schema resolves.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { packageRoot } from '../data/builtin';

let instance: Ajv | undefined;

export function ajv(): Ajv {
  if (!instance) {
    instance = new Ajv({ allErrors: true, useDefaults: true, strict: false });
    for (const name of ['network.schema.json', 'pipeline.schema.json']) {
      const file = path.join(packageRoot(), 'schema', name);
      instance.addSchema(JSON.parse(readFileSync(file, 'utf8')));
    }
  }
  return instance;
}

export function documentValidator(id: 'pipeline' | 'network'): ValidateFunction {
  const fn = ajv().getSchema(`https://medflow.dev/schema/${id}.schema.json`);
  if (!fn) throw new Error(`schema ${id} is not registered`);
  return fn;
}

/** One readable line per ajv error, e.g. "height must be >= 1 (got 0)". */
export function formatErrors(errors: ErrorObject[] | null | undefined, data: unknown): string[] {
  return (errors ?? []).map(e => {
    const where = e.instancePath
      ? e.instancePath.slice(1).replace(/\//g, '.')
      : ((e.params as { missingProperty?: string }).missingProperty ?? '(value)');
    switch (e.keyword) {
      case 'additionalProperties': {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        const prefix = e.instancePath ? `${where}: ` : '';
        return `${prefix}unknown parameter '${extra}'`;
      }
      case 'required':
        return `${where} is required`;
      case 'enum': {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
        return `${where} must be one of ${allowed.map(v => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(valueAt(data, e.instancePath))})`;
      }
      default:
        return `${where} ${e.message} (got ${JSON.stringify(valueAt(data, e.instancePath))})`;
    }
  });
}

function valueAt(data: unknown, pointer: string): unknown {
  let v: unknown = data;
  for (const part of pointer.split('/').slice(1)) {
    v = (v as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}
