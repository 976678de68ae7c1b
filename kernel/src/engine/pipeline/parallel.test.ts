/** Preprocessing on worker threads gives exactly the single-threaded result, with its cache. */
import * as path from 'node:path';
import { loadBuiltin } from '../data/builtin';
import { folder } from '../data/loaders';
import { canRunInParallel, parallelStats, preprocessParallel, stopWorkers } from './parallel';
import { preprocess, preprocessAsync } from './preprocess';

afterAll(stopWorkers);

const step = (id: string, module: string, params: Record<string, unknown>) => ({
  id,
  module,
  params
});

test('two worker threads reproduce preprocess() exactly, random modules included', async () => {
  const ds = await loadBuiltin('breastmnist');
  const steps = [
    step('eq', 'histogram_equalization', { method: 'adaptive', kernel_size: 14, limit: 2 }),
    step('flip', 'random_flip', { horizontal: 0.5, vertical: 0.5, seed: 3 }),
    step('resize', 'resize', { height: 20, width: 20, interpolation: 'bilinear' })
  ];
  const single = preprocess(ds, steps);
  const parallel = await preprocessParallel(ds, steps, 2);
  for (const name of ['train', 'val', 'test'] as const) {
    expect(parallel[name].shape).toEqual(single[name].shape);
    expect(parallel[name].labels).toEqual(single[name].labels);
    expect(
      Buffer.from(parallel[name].x.buffer).equals(Buffer.from(single[name].x.slice().buffer))
    ).toBe(true);
  }
  // The workers keep the items before the last step: a new last step is all they rerun.
  const n = ds.train.length + ds.val.length + ds.test.length;
  expect(parallelStats.applications).toBe(3 * n);
  const changed = [
    ...steps.slice(0, 2),
    step('resize', 'resize', { height: 12, width: 12, interpolation: 'area' })
  ];
  const again = await preprocessParallel(ds, changed, 2);
  expect(parallelStats.applications).toBe(n);
  expect(Array.from(again.test.x)).toEqual(Array.from(preprocess(ds, changed).test.x));
  // preprocessAsync takes the worker path when asked for threads (and caches the result).
  const viaAsync = await preprocessAsync(ds, changed.slice(0, 1), { threads: 2 });
  expect(parallelStats.applications).toBe(n);
  expect(await preprocessAsync(ds, changed.slice(0, 1))).toBe(viaAsync);
}, 60000);

test('a folder dataset runs on the workers too, reloaded from its path, and gives the same result', async () => {
  const root = path.join(__dirname, '../../../../data/fixtures/png-folder');
  const ds = await folder(root, { split: { train: 0.7, val: 0.15, test: 0.15 }, seed: 5 });
  const steps = [
    step('eq', 'histogram_equalization', {}),
    step('flip', 'random_flip', { horizontal: 0.5, seed: 2 }),
    step('resize', 'resize', { height: 16, width: 16, interpolation: 'area' })
  ];
  expect(canRunInParallel(ds, steps)).toBe(true);
  const single = preprocess(ds, steps);
  const parallel = await preprocessParallel(ds, steps, 2);
  const n = ds.train.length + ds.val.length + ds.test.length;
  expect(n).toBe(120);
  expect(parallelStats.applications).toBe(3 * n);
  for (const name of ['train', 'val', 'test'] as const) {
    expect(parallel[name].shape).toEqual(single[name].shape);
    expect(parallel[name].labels).toEqual(single[name].labels);
    expect(Array.from(parallel[name].x)).toEqual(Array.from(single[name].x));
  }
}, 60000);
