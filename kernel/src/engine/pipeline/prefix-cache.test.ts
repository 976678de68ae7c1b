/** Changing the last step of a pipeline reruns only that step (the prefix cache). */
import { loadBuiltin } from '../data/builtin';
import { applySteps, preprocess, preprocessAsync, preprocessStats } from './preprocess';
import { register, unregister } from '../modules/registry';

const step = (id: string, module: string, params: Record<string, unknown> = {}) => ({
  id,
  module,
  params
});

test('a new last step reuses the items before it; results equal a fresh run', async () => {
  const ds = await loadBuiltin('breastmnist');
  const n = ds.train.length + ds.val.length + ds.test.length;
  const head = [
    step('a', 'histogram_equalization', { method: 'adaptive', kernel_size: 14, limit: 2 }),
    step('b', 'gaussian_blur', { kernel_size: 3, sigma: 0 })
  ];
  preprocessStats.applications = 0;
  const first = preprocess(ds, [...head, step('c', 'resize', { height: 16, width: 16 })]);
  expect(preprocessStats.applications).toBe(3 * n);
  preprocessStats.applications = 0;
  const second = preprocess(ds, [...head, step('c', 'resize', { height: 20, width: 20 })]);
  // Only the new last step ran, once per item.
  expect(preprocessStats.applications).toBe(n);
  expect(second.train.shape).toEqual([20, 20, 1]);
  expect(first.train.shape).toEqual([16, 16, 1]);
  const fresh = applySteps(ds.test.get(7), [
    ...head,
    step('c', 'resize', { height: 20, width: 20 })
  ])!;
  expect(Array.from(second.test.x.subarray(7 * 400, 8 * 400))).toEqual(
    Array.from(fresh.image.array.data as Uint8Array)
  );
});

test('the asynchronous path (user modules) uses the prefix cache too, and keeps drops', async () => {
  const ds = await loadBuiltin('breastmnist');
  let calls = 0;
  register({
    name: 'drop_every_fifth',
    category: 'Advanced',
    modality: ['any'],
    dimension: 'any',
    origin: 'user',
    description: 'Drops every fifth item of each split (test module).',
    params: { type: 'object', properties: {}, additionalProperties: false },
    async apply(d, _p, ctx) {
      calls++;
      return ctx!.index % 5 === 0 ? null : d;
    }
  });
  try {
    const steps = [step('u', 'drop_every_fifth'), step('r', 'rescale', { min: 0, max: 1 })];
    const a = await preprocessAsync(ds, steps);
    const n = ds.train.length + ds.val.length + ds.test.length;
    expect(calls).toBe(n);
    expect(a.test.labels.length).toBe(ds.test.length - Math.ceil(ds.test.length / 5));
    const b = await preprocessAsync(ds, [steps[0], step('r', 'rescale', { min: -1, max: 1 })]);
    expect(calls).toBe(n);
    expect(b.test.labels).toEqual(a.test.labels);
    expect(b.test.x[0]).toBeCloseTo(a.test.x[0] * 2 - 1, 6);
  } finally {
    unregister('drop_every_fifth');
  }
});

test('re-registering a user module with new code invalidates cached results', async () => {
  const ds = await loadBuiltin('breastmnist');
  const define = (value: number) =>
    register({
      name: 'fill_constant',
      category: 'Advanced',
      modality: ['any'],
      dimension: 'any',
      origin: 'user',
      description: 'Fills the image with a constant (test module).',
      params: { type: 'object', properties: {}, additionalProperties: false },
      async apply(d) {
        const data = new Float32Array(d.image.array.data.length).fill(value);
        return { ...d, image: { ...d.image, array: { ...d.image.array, data, dtype: 'float32' } } };
      }
    });
  try {
    define(1);
    const steps = [step('u', 'fill_constant')];
    const before = await preprocessAsync(ds, steps);
    expect(before.test.x[0]).toBe(1);
    // The same step list with the same parameters, but the module's code changed.
    define(2);
    const after = await preprocessAsync(ds, steps);
    expect(after.test.x[0]).toBe(2);
  } finally {
    unregister('fill_constant');
  }
});
