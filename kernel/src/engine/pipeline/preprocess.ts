/**
 * Runs a pipeline's image-processing steps over every item of every split and packs the
 * results into float32 blocks for training. Results are cached per dataset and step list, so
 * re-training with other network or training settings skips preprocessing.
 *
 * Two paths: `preprocess` is synchronous (every built-in module is), and `preprocessAsync`
 * also runs asynchronous modules (user modules in the Python worker), handing them whole
 * batches through `applyBatch` when they have it.
 *
 * Besides the packed results, the items as they are before the last step are cached per step
 * prefix, so that changing the last step (the usual tweak while exploring) only reruns that
 * step. Modules must not modify their input in place (built-ins never do).
 */
import type { PipelineStep } from '../../../../schema/documents';
import { SPLITS, type Dataset, type SplitName } from '../data/dataset';
import type { DataDict } from '../data/datadict';
import { sizeOf } from '../data/ndarray';
import { getModule, moduleRevision } from '../modules/registry';
import type { ModuleContext, ModuleResult } from '../modules/types';
import type { TensorSplit } from '../training/train';
import { canRunInParallel, preprocessParallel } from './parallel';

export type ProcessedData = Record<SplitName, TensorSplit>;

const cache = new WeakMap<Dataset, Map<string, ProcessedData>>();
const MAX_CACHED = 4;

/** Items of every split after a step prefix (null: dropped), keyed by the prefix. */
type PrefixItems = Record<SplitName, (DataDict | null)[]>;
const prefixCache = new WeakMap<Dataset, Map<string, PrefixItems>>();
const MAX_PREFIXES = 2;

/** How many module applications preprocessing ran (per item and step); for tests. */
export const preprocessStats = { applications: 0 };
/** Items handed to an asynchronous module per call. */
const BATCH = 64;

function contextOf(data: DataDict, context?: ModuleContext): ModuleContext {
  return context ?? { index: data.meta?.index ?? 0, split: data.meta?.split };
}

function stepError(step: PipelineStep, data: DataDict, error: unknown): Error {
  const where = data.meta ? ` on ${data.meta.split} item ${data.meta.index}` : '';
  return new Error(`step ${step.id} (${step.module})${where}: ${(error as Error).message}`);
}

/**
 * Applies the steps to one data dict; null when a step dropped the item. Synchronous: throws
 * if a step's module is asynchronous (use applyStepsAsync for those).
 */
export function applySteps(
  data: DataDict,
  steps: readonly PipelineStep[],
  context?: ModuleContext
): DataDict | null {
  const ctx = contextOf(data, context);
  let current = data;
  for (const step of steps) {
    let next: ModuleResult | Promise<ModuleResult>;
    try {
      next = getModule(step.module).apply(current, step.params, ctx);
    } catch (error) {
      throw stepError(step, current, error);
    }
    if (next instanceof Promise) {
      next.catch(() => undefined); // not awaited here; avoid an unhandled rejection
      throw new Error(
        `step ${step.id} (${step.module}) is asynchronous: use applyStepsAsync / preprocessAsync`
      );
    }
    if (next === null) return null;
    current = next;
  }
  return current;
}

/** applySteps for any modules: awaits asynchronous ones. */
export async function applyStepsAsync(
  data: DataDict,
  steps: readonly PipelineStep[],
  context?: ModuleContext
): Promise<DataDict | null> {
  const [out] = await applyStepsBatch([data], steps, [contextOf(data, context)]);
  return out;
}

/**
 * Applies the steps to a batch of items. Synchronous modules run item by item without
 * awaiting; modules with `applyBatch` get all surviving items in one call.
 */
export async function applyStepsBatch(
  items: DataDict[],
  steps: readonly PipelineStep[],
  contexts: ModuleContext[] = items.map(d => contextOf(d))
): Promise<(DataDict | null)[]> {
  const current: (DataDict | null)[] = items.slice();
  for (const step of steps) {
    const def = getModule(step.module);
    const alive = current.flatMap((d, i) => (d === null ? [] : [i]));
    if (alive.length === 0) break;
    if (def.applyBatch) {
      let results: ModuleResult[];
      try {
        results = await def.applyBatch(
          alive.map(i => current[i]!),
          step.params,
          alive.map(i => contexts[i])
        );
      } catch (error) {
        throw stepError(step, current[alive[0]]!, error);
      }
      if (results.length !== alive.length) {
        throw new Error(
          `step ${step.id} (${step.module}): applyBatch returned ${results.length} items for ${alive.length}`
        );
      }
      alive.forEach((i, k) => (current[i] = results[k]));
      continue;
    }
    const pending: Promise<void>[] = [];
    for (const i of alive) {
      const data = current[i]!;
      try {
        const next = def.apply(data, step.params, contexts[i]);
        if (next instanceof Promise) {
          pending.push(
            next.then(
              r => void (current[i] = r),
              error => Promise.reject(stepError(step, data, error))
            )
          );
        } else current[i] = next;
      } catch (error) {
        throw stepError(step, data, error);
      }
    }
    if (pending.length > 0) await Promise.all(pending);
  }
  return current;
}

/** [H, W, C] of a processed image, which the network takes as input. */
function networkShape(shape: number[], where: string): [number, number, number] {
  if (shape.length === 2) return [shape[0], shape[1], 1];
  if (shape.length === 3) return [shape[0], shape[1], shape[2]];
  throw new Error(
    `${where}: the network needs H×W or H×W×C images, got shape (${shape.join(', ')})`
  );
}

/** Packs processed items of one split into one float32 block (dropped items skipped). */
class SplitPacker {
  private x: Float32Array | undefined;
  private shape: [number, number, number] | undefined;
  private readonly labels: number[] = [];
  private count = 0;

  constructor(
    private readonly where: string,
    private readonly capacity: number
  ) {}

  add(result: DataDict | null, label: number, index: number): void {
    if (result === null) return;
    const s = networkShape(result.image.array.shape, `${this.where} item ${index}`);
    if (!this.shape) {
      this.shape = s;
      this.x = new Float32Array(this.capacity * sizeOf(s));
    } else if (s.join() !== this.shape.join()) {
      throw new Error(
        `${this.where} item ${index}: processed image has shape (${s.join(', ')}), ` +
          `earlier items (${this.shape.join(', ')}); add a resize step so that all images match`
      );
    }
    const size = sizeOf(s);
    const src = result.image.array.data;
    const dst = this.x!.subarray(this.count * size, (this.count + 1) * size);
    if (src instanceof BigInt64Array || src instanceof BigUint64Array) {
      for (let j = 0; j < size; j++) dst[j] = Number(src[j]);
    } else dst.set(src);
    this.labels.push(label);
    this.count++;
  }

  finish(): TensorSplit {
    if (!this.shape || this.count === 0) {
      throw new Error(`${this.where}: every item was dropped by the pipeline's steps`);
    }
    return {
      x: this.x!.subarray(0, this.count * sizeOf(this.shape)),
      shape: this.shape,
      labels: Int32Array.from(this.labels)
    };
  }
}

function cacheKey(steps: readonly PipelineStep[]): string {
  return JSON.stringify(steps.map(s => [s.module, moduleRevision(s.module), s.params]));
}

function cached(dataset: Dataset, key: string): ProcessedData | undefined {
  const perDataset = cache.get(dataset);
  const hit = perDataset?.get(key);
  if (perDataset && hit) {
    // Refresh its place in the least-recently-used order.
    perDataset.delete(key);
    perDataset.set(key, hit);
  }
  return hit;
}

function remember(dataset: Dataset, key: string, data: ProcessedData): void {
  let perDataset = cache.get(dataset);
  if (!perDataset) cache.set(dataset, (perDataset = new Map()));
  perDataset.set(key, data);
  // Keep the most recent few step lists per dataset (each is a full float32 copy of the data).
  while (perDataset.size > MAX_CACHED) perDataset.delete(perDataset.keys().next().value!);
}

/**
 * What a run still has to do: the cached items after the longest known prefix (if any), the
 * steps between that prefix and the last step (`head`, whose results are cached as a new
 * prefix) and the last step (`last`).
 */
function planFromPrefix(
  dataset: Dataset,
  steps: readonly PipelineStep[]
): {
  prefix: { items: PrefixItems; length: number } | undefined;
  head: readonly PipelineStep[];
  last: readonly PipelineStep[];
} {
  const prefix = longestPrefix(dataset, steps);
  const from = prefix?.length ?? 0;
  const split = Math.max(from, steps.length - 1);
  return { prefix, head: steps.slice(from, split), last: steps.slice(split) };
}

/** The longest cached prefix of `steps` (at most all but the last step) and its length. */
function longestPrefix(
  dataset: Dataset,
  steps: readonly PipelineStep[]
): { items: PrefixItems; length: number } | undefined {
  const perDataset = prefixCache.get(dataset);
  if (!perDataset) return undefined;
  for (let k = steps.length - 1; k >= 1; k--) {
    const key = cacheKey(steps.slice(0, k));
    const items = perDataset.get(key);
    if (items) {
      perDataset.delete(key);
      perDataset.set(key, items);
      return { items, length: k };
    }
  }
  return undefined;
}

function rememberPrefix(dataset: Dataset, steps: readonly PipelineStep[], items: PrefixItems) {
  let perDataset = prefixCache.get(dataset);
  if (!perDataset) prefixCache.set(dataset, (perDataset = new Map()));
  perDataset.set(cacheKey(steps), items);
  while (perDataset.size > MAX_PREFIXES) perDataset.delete(perDataset.keys().next().value!);
}

/** Runs items through steps synchronously, counting applications. */
function runSync(
  start: DataDict | null,
  steps: readonly PipelineStep[],
  context: ModuleContext
): DataDict | null {
  if (start === null) return null;
  preprocessStats.applications += steps.length;
  return applySteps(start, steps, context);
}

/** Preprocesses every split with synchronous modules (the built-ins). */
export function preprocess(dataset: Dataset, steps: readonly PipelineStep[]): ProcessedData {
  const key = cacheKey(steps);
  const hit = cached(dataset, key);
  if (hit) return hit;
  const { prefix, head, last } = planFromPrefix(dataset, steps);
  const before = {} as PrefixItems;
  const out = {} as ProcessedData;
  for (const name of SPLITS) {
    const split = dataset.splits[name];
    const packer = new SplitPacker(`${dataset.name}/${name}`, split.length);
    const kept: (DataDict | null)[] = new Array(split.length);
    for (let i = 0; i < split.length; i++) {
      const ctx = { index: i, split: name };
      const start = prefix ? prefix.items[name][i] : split.get(i);
      kept[i] = runSync(start, head, ctx);
      packer.add(runSync(kept[i], last, ctx), split.labels[i], i);
    }
    before[name] = kept;
    out[name] = packer.finish();
  }
  if (steps.length > 1) rememberPrefix(dataset, steps.slice(0, steps.length - 1), before);
  remember(dataset, key, out);
  return out;
}

/** Preprocesses every split with any modules, synchronous or asynchronous. */
export async function preprocessAsync(
  dataset: Dataset,
  steps: readonly PipelineStep[],
  options: { threads?: number } = {}
): Promise<ProcessedData> {
  const key = cacheKey(steps);
  const hit = cached(dataset, key);
  if (hit) return hit;
  // Worker threads when asked for (option or MEDFLOW_PREPROCESS_THREADS) and possible.
  const threads = options.threads ?? Number(process.env.MEDFLOW_PREPROCESS_THREADS ?? 1);
  if (threads > 1 && canRunInParallel(dataset, steps)) {
    const out = await preprocessParallel(dataset, steps, threads);
    remember(dataset, key, out);
    return out;
  }
  // Built-in modules are synchronous: keep their fast path.
  if (steps.every(s => getModule(s.module).origin === 'builtin')) return preprocess(dataset, steps);
  const { prefix, head, last } = planFromPrefix(dataset, steps);
  const before = {} as PrefixItems;
  const out = {} as ProcessedData;
  for (const name of SPLITS) {
    const split = dataset.splits[name];
    const packer = new SplitPacker(`${dataset.name}/${name}`, split.length);
    const kept: (DataDict | null)[] = new Array(split.length);
    for (let start = 0; start < split.length; start += BATCH) {
      const indices = Array.from(
        { length: Math.min(BATCH, split.length - start) },
        (_, k) => start + k
      );
      const contexts = indices.map(i => ({ index: i, split: name }));
      const items = prefix
        ? indices.map(i => prefix.items[name][i])
        : await Promise.all(indices.map(i => split.load(i)));
      const mid = await runBatch(items, head, contexts);
      mid.forEach((d, k) => (kept[indices[k]] = d));
      const results = await runBatch(mid, last, contexts);
      results.forEach((r, k) => packer.add(r, split.labels[indices[k]], indices[k]));
    }
    before[name] = kept;
    out[name] = packer.finish();
  }
  if (steps.length > 1) rememberPrefix(dataset, steps.slice(0, steps.length - 1), before);
  remember(dataset, key, out);
  return out;
}

/** applyStepsBatch over items that may already be dropped (null), counting applications. */
async function runBatch(
  items: (DataDict | null)[],
  steps: readonly PipelineStep[],
  contexts: ModuleContext[]
): Promise<(DataDict | null)[]> {
  const alive = items.flatMap((d, i) => (d === null ? [] : [i]));
  const out: (DataDict | null)[] = items.map(() => null);
  if (alive.length === 0 || steps.length === 0) return items.slice();
  preprocessStats.applications += alive.length * steps.length;
  const results = await applyStepsBatch(
    alive.map(i => items[i]!),
    steps,
    alive.map(i => contexts[i])
  );
  alive.forEach((i, k) => (out[i] = results[k]));
  return out;
}
