/**
 * A preprocessing worker thread: runs built-in modules over one range of items per split of
 * a dataset it reloads itself (built-in, .npz, or a file dataset from its path and options), and packs the results into float32 blocks
 * that go back to the main thread without copying. It keeps the items before the last step
 * per range and step prefix, so changing the last step reruns only that step here too.
 */
import { parentPort } from 'node:worker_threads';
import type { PipelineStep } from '../../../../schema/documents';
import { loadBuiltin, loadNpz } from '../data/builtin';
import { FILE_SOURCES, reloadDataset } from '../data/loaders';
import type { Dataset, SplitName } from '../data/dataset';
import type { DataDict } from '../data/datadict';
import { applySteps } from './preprocess';

export interface WorkerRequest {
  id: number;
  ref: {
    name: string;
    source: string;
    path?: string;
    classes?: string[];
    options?: Record<string, unknown>;
  };
  steps: PipelineStep[];
  ranges: Partial<Record<SplitName, [number, number]>>;
}

export interface WorkerChunk {
  x: Float32Array;
  /** H×W×C of each packed image ([] when every item was dropped). */
  shape: number[];
  /** Indices (within the split) of the items that were kept, in order. */
  kept: Int32Array;
}

export interface WorkerReply {
  id: number;
  error?: string;
  chunks?: Partial<Record<SplitName, WorkerChunk>>;
  applications?: number;
}

const datasets = new Map<string, Promise<Dataset>>();
const prefixes = new Map<string, (DataDict | null)[]>();
const MAX_PREFIXES = 6;

function dataset(ref: WorkerRequest['ref']): Promise<Dataset> {
  const key = JSON.stringify(ref);
  let ds = datasets.get(key);
  if (!ds) {
    ds =
      ref.source === 'builtin'
        ? loadBuiltin(ref.name)
        : FILE_SOURCES.includes(ref.source)
          ? reloadDataset(ref)
          : loadNpz(ref.path!, { name: ref.name, classes: ref.classes });
    datasets.set(key, ds);
  }
  return ds;
}

const stepsKey = (steps: readonly PipelineStep[]) =>
  JSON.stringify(steps.map(s => [s.module, s.params]));

function processRange(
  ds: Dataset,
  refKey: string,
  steps: PipelineStep[],
  name: SplitName,
  [start, end]: [number, number],
  counter: { n: number }
): WorkerChunk {
  const split = ds.splits[name];
  const where = `${refKey}|${name}|${start}|${end}|`;
  let from = 0;
  let items: (DataDict | null)[] | undefined;
  for (let k = steps.length - 1; k >= 1 && !items; k--) {
    items = prefixes.get(where + stepsKey(steps.slice(0, k)));
    if (items) from = k;
  }
  const cut = Math.max(from, steps.length - 1);
  const head = steps.slice(from, cut);
  const before: (DataDict | null)[] = [];
  const results: (DataDict | null)[] = [];
  for (let i = start; i < end; i++) {
    const ctx = { index: i, split: name };
    let d: DataDict | null = items ? items[i - start] : split.get(i);
    if (d && head.length) {
      counter.n += head.length;
      d = applySteps(d, head, ctx);
    }
    before.push(d);
    if (d && steps.length > cut) {
      counter.n += steps.length - cut;
      d = applySteps(d, steps.slice(cut), ctx);
    }
    results.push(d);
  }
  if (steps.length > 1) {
    prefixes.set(where + stepsKey(steps.slice(0, steps.length - 1)), before);
    while (prefixes.size > MAX_PREFIXES) prefixes.delete(prefixes.keys().next().value!);
  }
  const kept = results.flatMap((d, k) => (d ? [start + k] : []));
  const first = results.find(d => d !== null);
  if (!first) return { x: new Float32Array(0), shape: [], kept: new Int32Array(0) };
  const s = first.image.array.shape;
  const shape = s.length === 2 ? [s[0], s[1], 1] : s.slice();
  const size = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(kept.length * size);
  let k = 0;
  for (const d of results) {
    if (!d) continue;
    const ds2 = d.image.array.shape;
    if (ds2.reduce((a, b) => a * b, 1) !== size || ds2[0] !== shape[0] || ds2[1] !== shape[1]) {
      throw new Error(
        `${name} item ${kept[k]}: processed image has shape (${ds2.join(', ')}), earlier items ` +
          `(${shape.join(', ')}); add a resize step so that all images match`
      );
    }
    x.set(d.image.array.data as unknown as ArrayLike<number>, k * size);
    k++;
  }
  return { x, shape, kept: Int32Array.from(kept) };
}

parentPort?.on('message', async (req: WorkerRequest) => {
  try {
    const ds = await dataset(req.ref);
    const counter = { n: 0 };
    const chunks: Partial<Record<SplitName, WorkerChunk>> = {};
    for (const [name, range] of Object.entries(req.ranges) as [SplitName, [number, number]][]) {
      chunks[name] = processRange(ds, JSON.stringify(req.ref), req.steps, name, range, counter);
    }
    const reply: WorkerReply = { id: req.id, chunks, applications: counter.n };
    parentPort!.postMessage(
      reply,
      Object.values(chunks).map(c => c!.x.buffer as ArrayBuffer)
    );
  } catch (error) {
    parentPort!.postMessage({ id: req.id, error: (error as Error).message } as WorkerReply);
  }
});
