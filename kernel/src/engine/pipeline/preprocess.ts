/**
 * Runs a pipeline's image-processing steps over every item of every split and packs the
 * results into float32 blocks for training. Results are cached per dataset and step list, so
 * re-training with other network or training settings skips preprocessing.
 */
import type { PipelineStep } from '../../../../schema/documents';
import { SPLITS, type Dataset, type SplitName } from '../data/dataset';
import type { DataDict } from '../data/datadict';
import { sizeOf } from '../data/ndarray';
import { getModule } from '../modules/registry';
import type { TensorSplit } from '../training/train';

export type ProcessedData = Record<SplitName, TensorSplit>;

const cache = new WeakMap<Dataset, Map<string, ProcessedData>>();
const MAX_CACHED = 4;

/** Applies the steps to one data dict; null when a step dropped the item. */
export function applySteps(data: DataDict, steps: readonly PipelineStep[]): DataDict | null {
  let current = data;
  for (const step of steps) {
    const def = getModule(step.module);
    let next: DataDict | null;
    try {
      next = def.apply(current, step.params);
    } catch (error) {
      const where = current.meta ? ` on ${current.meta.split} item ${current.meta.index}` : '';
      throw new Error(`step ${step.id} (${step.module})${where}: ${(error as Error).message}`);
    }
    if (next === null) return null;
    current = next;
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

export function preprocess(dataset: Dataset, steps: readonly PipelineStep[]): ProcessedData {
  const key = JSON.stringify(steps.map(s => [s.module, s.params]));
  let perDataset = cache.get(dataset);
  if (!perDataset) cache.set(dataset, (perDataset = new Map()));
  const hit = perDataset.get(key);
  if (hit) {
    // Refresh its place in the least-recently-used order.
    perDataset.delete(key);
    perDataset.set(key, hit);
    return hit;
  }
  const out = {} as ProcessedData;
  for (const name of SPLITS) {
    const split = dataset.splits[name];
    let x: Float32Array | undefined;
    let shape: [number, number, number] | undefined;
    const labels: number[] = [];
    let count = 0;
    for (let i = 0; i < split.length; i++) {
      const result = applySteps(split.get(i), steps);
      if (result === null) continue;
      const s = networkShape(result.image.array.shape, `${dataset.name}/${name} item ${i}`);
      if (!shape) {
        shape = s;
        x = new Float32Array(split.length * sizeOf(s));
      } else if (s.join() !== shape.join()) {
        throw new Error(
          `${dataset.name}/${name} item ${i}: processed image has shape (${s.join(', ')}), ` +
            `earlier items (${shape.join(', ')}); add a resize step so that all images match`
        );
      }
      const size = sizeOf(s);
      const src = result.image.array.data;
      const dst = x!.subarray(count * size, (count + 1) * size);
      if (src instanceof BigInt64Array || src instanceof BigUint64Array) {
        for (let j = 0; j < size; j++) dst[j] = Number(src[j]);
      } else dst.set(src);
      labels.push(split.labels[i]);
      count++;
    }
    if (!shape || count === 0) {
      throw new Error(`${dataset.name}/${name}: every item was dropped by the pipeline's steps`);
    }
    out[name] = {
      x: x!.subarray(0, count * sizeOf(shape)),
      shape,
      labels: Int32Array.from(labels)
    };
  }
  perDataset.set(key, out);
  // Keep the most recent few step lists per dataset (each is a full float32 copy of the data).
  while (perDataset.size > MAX_CACHED) perDataset.delete(perDataset.keys().next().value!);
  return out;
}
