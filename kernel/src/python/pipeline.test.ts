/**
 * A Python module in an engine pipeline: preprocessing a built-in dataset sends its items to the
 * worker in batches and packs what comes back, as it does for built-in modules.
 */
import { loadBuiltin } from '../engine/data/builtin';
import { SPLITS } from '../engine/data/dataset';
import { unregister, validateParams } from '../engine/modules/registry';
import { preprocessAsync } from '../engine/pipeline/preprocess';
import { PythonWorker } from './index';

let worker: PythonWorker;
beforeAll(() => {
  worker = new PythonWorker();
});
afterAll(async () => {
  unregister('py_invert');
  await worker.dispose();
});

it('preprocesses breastmnist through a Python module, dropping the items it returns None for', async () => {
  const io = { stdout: () => undefined, stderr: () => undefined };
  const error = await worker.defineModule(
    'py_invert',
    `import numpy as np
class Invert:
    """Inverts uint8 images; drops every item whose index is a multiple of drop_every."""
    def __init__(self, drop_every: int = 0):
        self.drop_every, self.seen = drop_every, 0
    def __call__(self, data):
        self.seen += 1
        if self.drop_every and data['meta']['index'] % self.drop_every == 0:
            return None
        data['image']['array'] = (255 - data['image']['array']).astype(np.uint8)
        return data
`,
    io
  );
  expect(error).toBeNull();
  const dataset = await loadBuiltin('breastmnist');
  const steps = [
    { id: 's1', module: 'py_invert', params: validateParams('py_invert', { drop_every: 5 }) }
  ];
  const t0 = performance.now();
  const processed = await preprocessAsync(dataset, steps);
  const ms = performance.now() - t0;
  let total = 0;
  for (const name of SPLITS) {
    const split = dataset.splits[name];
    const out = processed[name];
    const kept = Array.from({ length: split.length }, (_, i) => i).filter(i => i % 5 !== 0);
    expect(out.labels.length).toBe(kept.length);
    const size = out.shape[0] * out.shape[1] * out.shape[2];
    kept.forEach((index, k) => {
      const raw = split.get(index).image.array.data as Uint8Array;
      const got = out.x.subarray(k * size, (k + 1) * size);
      for (let j = 0; j < size; j += 97) expect(got[j]).toBe(255 - raw[j]);
      expect(out.labels[k]).toBe(split.labels[index]);
    });
    total += split.length;
  }
  process.stdout.write(
    `py_invert over breastmnist (${total} images 28×28): ${ms.toFixed(0)} ms, ` +
      `${((ms / total) * 1000).toFixed(0)} µs/image\n`
  );
});
