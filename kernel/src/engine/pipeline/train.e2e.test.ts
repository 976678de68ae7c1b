/**
 * End to end on real data: PneumoniaMNIST → rescale → small CNN, trained on the backend that
 * ensureBackend() picks. Checks learning (val accuracy clearly above chance), determinism
 * (same seed → identical metrics), cancellation, and that tensors are not leaked.
 */
import { evenSubset } from '../testing/subset';
import { loadBuiltin } from '../data/builtin';
import type { Dataset } from '../data/dataset';
import { ensureBackend, tf } from '../backend';
import { smallCnn } from '../networks/small_cnn';
import { CancelledError, runWithSignal } from '../cancel';
import { Pipeline } from './pipeline';

let full: Dataset;
let data: Dataset;

beforeAll(async () => {
  await ensureBackend();
  full = await loadBuiltin('pneumoniamnist');
  data = evenSubset(full, { train: 1200, val: 524, test: 300 });
});

function makePipeline(seed: number, dataset = data): Pipeline {
  return new Pipeline({ name: 'e2e', seed })
    .input(dataset)
    .add('rescale')
    .network(smallCnn({ classes: 2, filters: 8, blocks: 2 }))
    .training({ epochs: 2, batch_size: 32, optimizer: { name: 'adam', lr: 3e-3 } });
}

test('trains the small CNN on PneumoniaMNIST well above chance, reporting progress per batch and epoch', async () => {
  const batches: number[] = [];
  const epochs: number[] = [];
  const started = performance.now();
  const run = await makePipeline(1, full).train({
    verbose: false,
    onBatch: e => batches.push(e.loss),
    onEpoch: r => epochs.push(r.val_accuracy)
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${run.backend}: ${run.images_per_second.toFixed(0)} training images/s, ${seconds.toFixed(1)} s total\n${run.toString()}`
  );
  expect(batches).toHaveLength(2 * Math.ceil(3882 / 32));
  expect(epochs).toHaveLength(2);
  expect(run.history.map(h => h.epoch)).toEqual([1, 2]);
  // Chance on this val split is 0.74 by always answering "pneumonia"; require real learning.
  expect(run.metrics.val.accuracy).toBeGreaterThan(0.75);
  expect(run.metrics.val.auc).toBeGreaterThan(0.85);
  expect(run.metrics.test!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(624);
  expect(batches[batches.length - 1]).toBeLessThan(batches[0]);
  run.dispose();
});

test('same seed and backend give identical metrics; another seed differs', async () => {
  const a = await makePipeline(7).train({ verbose: false });
  const before = tf.memory().numTensors;
  const b = await makePipeline(7).train({ verbose: false });
  // Only the second model's weights remain allocated after training (no per-batch leaks).
  expect(tf.memory().numTensors - before).toBe(b.model.weights.length);
  const c = await makePipeline(8).train({ verbose: false });
  expect(b.history).toEqual(
    a.history.map((h, i) => ({
      ...h,
      seconds: b.history[i].seconds,
      images_per_second: b.history[i].images_per_second
    }))
  );
  expect(b.metrics).toEqual(a.metrics);
  expect(c.history[0].loss).not.toEqual(a.history[0].loss);
  [a, b, c].forEach(r => r.dispose());
});

test('stops between batches when the ambient signal is aborted', async () => {
  const controller = new AbortController();
  const tensors = tf.memory().numTensors;
  let seen = 0;
  const p = makePipeline(3);
  await expect(
    runWithSignal(controller.signal, () =>
      p.train({
        verbose: false,
        onBatch: () => {
          if (++seen === 5) controller.abort();
        }
      })
    )
  ).rejects.toBeInstanceOf(CancelledError);
  expect(seen).toBe(5);
  expect(tf.memory().numTensors).toBe(tensors);
});

test('prints one progress line per epoch by default', async () => {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.join(' '));
  });
  try {
    const p = makePipeline(5).training({ epochs: 1 });
    const run = await p.train();
    run.dispose();
  } finally {
    spy.mockRestore();
  }
  expect(lines[0]).toMatch(
    /^training small_cnn on pneumoniamnist \(1200 train \/ 524 val images, 28×28×1\)/
  );
  expect(
    lines.filter(l => /^epoch 1\/1 +loss \d\.\d{4} .*val_accuracy 0\.\d{4}.* s /.test(l))
  ).toHaveLength(1);
  expect(lines[lines.length - 1]).toMatch(/^test +accuracy/);
});

test('SGD with momentum and learning-rate decay also learns', async () => {
  const run = await makePipeline(11)
    .training({
      epochs: 2,
      learning_rate_decay: 0.1,
      class_weight: 'balanced',
      optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 }
    })
    .train({ verbose: false });
  expect(run.history.map(h => h.learning_rate)).toEqual([0.05, 0.05 * 0.9]);
  expect(run.history[1].loss).toBeLessThan(run.history[0].loss);
  expect(run.metrics.val.auc).toBeGreaterThan(0.8);
  run.dispose();
});
