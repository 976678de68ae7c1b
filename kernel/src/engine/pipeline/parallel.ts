/**
 * Preprocessing on worker threads: each split is cut into one contiguous range per thread,
 * every worker reloads the dataset (built-in or .npz, read once per worker) and processes its
 * ranges with the built-in modules, and the packed blocks are joined in order. Results are
 * identical to the single-threaded `preprocess` (randomness is per item, not per thread).
 * Workers stay alive between calls (unref'd, so they never hold the process open), which
 * lets each keep its own step-prefix cache.
 */
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PipelineStep } from '../../../../schema/documents';
import { SPLITS, type Dataset, type SplitName } from '../data/dataset';
import { FILE_SOURCES } from '../data/loaders';
import { getModule } from '../modules/registry';
import type { ProcessedData } from './preprocess';
import type { WorkerReply, WorkerRequest } from './preprocess-worker';

/** Runs the worker's TypeScript source when the engine itself runs from source (tests). */
const TS_BOOT = `
const ts = require('typescript');
const fs = require('fs');
require.extensions['.ts'] = (m, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: filename
  });
  m._compile(out.outputText, filename);
};
require(require('worker_threads').workerData.file);
`;

interface PoolWorker {
  worker: Worker;
  pending: Map<number, (reply: WorkerReply) => void>;
}

const pool: PoolWorker[] = [];
let nextId = 1;

/** Module applications the workers ran in their last call (for tests). */
export const parallelStats = { applications: 0 };

function startWorker(): PoolWorker {
  const ext = path.extname(__filename);
  const file = path.join(__dirname, `preprocess-worker${ext}`);
  const worker =
    ext === '.ts' ? new Worker(TS_BOOT, { eval: true, workerData: { file } }) : new Worker(file);
  worker.unref();
  const entry: PoolWorker = { worker, pending: new Map() };
  worker.on('message', (reply: WorkerReply) => {
    entry.pending.get(reply.id)?.(reply);
    entry.pending.delete(reply.id);
    // An idle worker must not keep the process alive; a busy one must.
    if (entry.pending.size === 0) worker.unref();
  });
  const fail = (error: Error) => {
    for (const resolve of entry.pending.values()) resolve({ id: 0, error: error.message });
    entry.pending.clear();
    if (pool.includes(entry)) pool.splice(pool.indexOf(entry), 1);
  };
  worker.on('error', fail);
  worker.on('exit', code => fail(new Error(`preprocessing worker exited (code ${code})`)));
  // After the listeners: attaching a 'message' listener refs the worker again.
  worker.unref();
  return entry;
}

function request(entry: PoolWorker, req: Omit<WorkerRequest, 'id'>): Promise<WorkerReply> {
  const id = nextId++;
  return new Promise(resolve => {
    entry.worker.ref();
    entry.pending.set(id, resolve);
    entry.worker.postMessage({ ...req, id });
  });
}

/** Ends the worker threads (a later call starts new ones). */
export async function stopWorkers(): Promise<void> {
  const all = pool.splice(0, pool.length);
  await Promise.all(all.map(entry => entry.worker.terminate()));
}

/**
 * Whether workers can take this job: built-in modules only, a dataset a worker can reload
 * (built-in, .npz, or a file dataset — folder, CSV, DICOM, NIfTI — from its path and options).
 */
export function canRunInParallel(dataset: Dataset, steps: readonly PipelineStep[]): boolean {
  const ref = dataset.toRef();
  const reloadable =
    ref.source === 'builtin' ||
    ((ref.source === 'npz' || FILE_SOURCES.includes(ref.source)) && !!ref.path);
  return reloadable && steps.every(s => getModule(s.module).origin === 'builtin');
}

/** Preprocesses every split on `threads` worker threads (default: every core). */
export async function preprocessParallel(
  dataset: Dataset,
  steps: readonly PipelineStep[],
  threads = availableParallelism()
): Promise<ProcessedData> {
  if (!canRunInParallel(dataset, steps)) {
    throw new Error(
      'preprocessParallel: needs built-in modules and a built-in, .npz or file dataset with a path'
    );
  }
  while (pool.length < threads) pool.push(startWorker());
  const ref = dataset.toRef();
  const workers = pool.slice(0, threads);
  const replies = await Promise.all(
    workers.map((entry, t) => {
      const ranges: Partial<Record<SplitName, [number, number]>> = {};
      for (const name of SPLITS) {
        const n = dataset.splits[name].length;
        ranges[name] = [Math.floor((t * n) / threads), Math.floor(((t + 1) * n) / threads)];
      }
      return request(entry, {
        ref: {
          name: ref.name,
          source: ref.source,
          path: ref.path,
          classes: ref.classes,
          options: ref.options
        },
        steps: structuredClone(steps) as PipelineStep[],
        ranges
      });
    })
  );
  const failed = replies.find(r => r.error);
  if (failed) throw new Error(`${dataset.name}: ${failed.error}`);
  parallelStats.applications = replies.reduce((s, r) => s + (r.applications ?? 0), 0);
  const out = {} as ProcessedData;
  for (const name of SPLITS) {
    const chunks = replies.map(r => r.chunks![name]!).filter(c => c.kept.length > 0);
    if (chunks.length === 0) {
      throw new Error(`${dataset.name}/${name}: every item was dropped by the pipeline's steps`);
    }
    const shape = chunks[0].shape;
    for (const c of chunks) {
      if (c.shape.join() !== shape.join()) {
        throw new Error(
          `${dataset.name}/${name}: processed images have shapes (${shape.join(', ')}) and ` +
            `(${c.shape.join(', ')}); add a resize step so that all images match`
        );
      }
    }
    const total = chunks.reduce((s, c) => s + c.x.length, 0);
    const x = new Float32Array(total);
    let offset = 0;
    const labels: number[] = [];
    const split = dataset.splits[name];
    for (const c of chunks) {
      x.set(c.x, offset);
      offset += c.x.length;
      for (const i of c.kept) labels.push(split.labels[i]);
    }
    out[name] = {
      x,
      shape: shape as [number, number, number],
      labels: Int32Array.from(labels)
    };
  }
  return out;
}
