/**
 * `%%python module NAME`: a Python class with `__call__(self, data)` becomes an engine module
 * (origin 'user', shown as the user's own). Its parameters come from the class's `__init__`
 * signature (the worker builds the JSON Schema); calls send data dicts to the worker with
 * arrays as raw bytes, a whole batch per round trip, and bring the returned dicts back.
 */
import { AsyncResource } from 'node:async_hooks';
import { ambientSignal, CancelledError } from '../engine/cancel';
import type { DataDict } from '../engine/data/datadict';
import { getModule, register } from '../engine/modules/registry';
import type {
  ModuleCategory,
  ModuleDefinition,
  ModuleResult,
  ParamSchema
} from '../engine/modules/types';
import { decodeValue, encodeValue, isNDArray } from './codec';
import { workerError, type PythonError, type PythonIO, type PythonWorker } from './worker';

/** What the worker reports about a module class. */
interface ModuleInfoReply {
  class: string;
  params: ParamSchema;
  description: string | null;
  /** Optional class attributes, checked by palette(). */
  category?: unknown;
  modality?: unknown;
  dimension?: unknown;
}

const CATEGORIES: readonly ModuleCategory[] = [
  'General',
  'Color',
  'Grayscale',
  'Binary',
  'Augmentation',
  'Advanced'
];

/** Palette facts from the class attributes, with defaults; a clear error for bad values. */
function palette(
  info: ModuleInfoReply
): Pick<ModuleDefinition, 'category' | 'modality' | 'dimension'> {
  const category = info.category ?? 'General';
  if (!CATEGORIES.includes(category as ModuleCategory)) {
    throw new Error(
      `category must be one of ${CATEGORIES.join(', ')} (got ${JSON.stringify(category)})`
    );
  }
  const modality = typeof info.modality === 'string' ? [info.modality] : (info.modality ?? ['any']);
  if (!Array.isArray(modality) || !modality.every(m => typeof m === 'string')) {
    throw new Error(
      `modality must be a string or a list of strings (got ${JSON.stringify(modality)})`
    );
  }
  const dimension = info.dimension ?? 'any';
  if (dimension !== 2 && dimension !== 3 && dimension !== 'any') {
    throw new Error(`dimension must be 2, 3 or 'any' (got ${JSON.stringify(dimension)})`);
  }
  return { category: category as ModuleCategory, modality, dimension };
}

/** A failure inside a Python module; the message names the module and carries the traceback. */
export class PythonModuleError extends Error {
  constructor(
    readonly module: string,
    readonly python: PythonError
  ) {
    const head = python.evalue.startsWith(`${module}:`)
      ? python.evalue
      : `${module}: ${python.ename}: ${python.evalue}`;
    const trace = python.ename === 'ModuleError' ? [] : python.traceback;
    super([head, ...trace].join('\n'));
    this.name = 'PythonModuleError';
  }
}

/** Requests are split so that one round trip carries at most this many array bytes. */
const MAX_BATCH_BYTES = 64 * 1024 * 1024;

export async function definePythonModule(
  worker: PythonWorker,
  name: string,
  code: string,
  io: PythonIO,
  signal?: AbortSignal
): Promise<PythonError | null> {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    return workerError(
      'ModuleError',
      `module name '${name}' must be snake_case (lowercase letters, digits, _), e.g. hu_window`
    );
  }
  if (existingOrigin(name) === 'builtin') {
    return workerError(
      'ModuleError',
      `${name}: a built-in module has this name and cannot be replaced; choose another name`
    );
  }
  const result = await worker.request({ op: 'define', name, code }, [], io, signal);
  if (!result.ok) return result.error;
  const info = result.frame.header as unknown as ModuleInfoReply;
  try {
    register(pythonModule(worker, name, code, info));
  } catch (error) {
    return workerError('ModuleError', `${name}: ${(error as Error).message}`);
  }
  return null;
}

function existingOrigin(name: string): string | undefined {
  try {
    return getModule(name).origin;
  } catch {
    return undefined;
  }
}

function pythonModule(
  worker: PythonWorker,
  name: string,
  code: string,
  info: ModuleInfoReply
): ModuleDefinition {
  const call = (items: DataDict[], params: Record<string, unknown>): Promise<ModuleResult[]> =>
    callModule(worker, name, code, items, params);
  return {
    name,
    ...palette(info),
    origin: 'user',
    description: info.description ?? `Python module (class ${info.class})`,
    params: info.params,
    async apply(data, params) {
      return (await call([data], params))[0];
    },
    applyBatch(items, params) {
      return call(items, params);
    }
  };
}

/**
 * Output that a module prints goes where the caller's own output goes: the functions are bound
 * to the caller's async context, so the kernel routes it to the cell that ran the pipeline.
 */
function callerIO(): PythonIO {
  return {
    stdout: AsyncResource.bind((text: string) => void process.stdout.write(text)),
    stderr: AsyncResource.bind((text: string) => void process.stderr.write(text))
  };
}

async function callModule(
  worker: PythonWorker,
  name: string,
  code: string,
  items: DataDict[],
  params: Record<string, unknown>
): Promise<ModuleResult[]> {
  const io = callerIO();
  const signal = ambientSignal();
  const out: ModuleResult[] = [];
  for (const chunk of chunks(items)) {
    if (signal?.aborted) throw new CancelledError(`Python module ${name}`);
    out.push(...(await callChunk(worker, name, code, chunk, params, io, signal)));
  }
  return out;
}

async function callChunk(
  worker: PythonWorker,
  name: string,
  code: string,
  items: DataDict[],
  params: Record<string, unknown>,
  io: PythonIO,
  signal: AbortSignal | undefined
): Promise<ModuleResult[]> {
  const buffers: Uint8Array[] = [];
  const header = { op: 'call', module: name, params, items: encodeValue(items, buffers) };
  let result = await worker.request(header, buffers, io, signal);
  if (!result.ok && result.error.ename === 'UnknownModule') {
    // The worker was restarted since the module was defined: define it again, then retry.
    const defined = await worker.request({ op: 'define', name, code }, [], io, signal);
    if (!defined.ok) {
      throw new PythonModuleError(name, {
        ...defined.error,
        evalue: `redefining the module in the restarted Python worker failed: ${defined.error.evalue}`
      });
    }
    result = await worker.request(header, buffers, io, signal);
  }
  if (!result.ok) throw new PythonModuleError(name, result.error);
  const replies = decodeValue(result.frame.header.items, result.frame.buffers) as unknown[];
  if (!Array.isArray(replies) || replies.length !== items.length) {
    throw new Error(`${name}: the Python worker returned a malformed reply`);
  }
  return replies.map(r => (r === null ? null : asDataDict(name, r)));
}

/** The header follows the array, as the built-in modules keep it (see modules/image.ts). */
function asDataDict(name: string, value: unknown): DataDict {
  const data = value as DataDict;
  if (!isNDArray(data.image?.array)) {
    throw new Error(`${name}: the returned dict has no data['image']['array']`);
  }
  data.image.header = {
    ...data.image.header,
    dtype: data.image.array.dtype,
    ndim: data.image.array.shape.length
  };
  data.label ??= {};
  return data;
}

function* chunks(items: DataDict[]): Generator<DataDict[]> {
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < items.length; i++) {
    const size = items[i].image.array.data.byteLength;
    if (i > start && bytes + size > MAX_BATCH_BYTES) {
      yield items.slice(start, i);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (start < items.length) yield items.slice(start);
}
