import { availableParallelism } from 'os';
import { tf } from '../tf';
import { ensureBackend } from '../select';
import type { BackendWasm } from './util';
import { kernelThreads, splitRange, withoutKernelHelpers } from './kernel-threads';
import { helpersReady, sameBits } from '../testing/helper-threads';

describe('splitRange', () => {
  it('covers [0, total) in order, with aligned boundaries and no part under the minimum', () => {
    expect(splitRange(100, 2)).toEqual([
      [0, 50],
      [50, 100]
    ]);
    expect(splitRange(10, 3, 4)).toEqual([
      [0, 4],
      [4, 8],
      [8, 10]
    ]);
    // 96 tiles in blocks of 32 for 2 threads: whole blocks each.
    expect(splitRange(96, 2, 32, 32)).toEqual([
      [0, 64],
      [64, 96]
    ]);
    // Too little work to share.
    expect(splitRange(40, 2, 1, 32)).toEqual([[0, 40]]);
    expect(splitRange(0, 4)).toEqual([[0, 0]]);
  });
});

describe('helper threads of the tensor kernels (wasm)', () => {
  beforeAll(async () => {
    await ensureBackend('wasm');
  });

  it('start on a machine with more than one core and take calls', async () => {
    const pool = kernelThreads(tf.backend() as unknown as BackendWasm);
    if (availableParallelism() < 2) {
      expect(pool).toBeNull();
      return;
    }
    expect(pool?.threads).toBeGreaterThan(1);
    expect(await helpersReady()).toBe(pool!.threads - 1);
  });

  it('make the kernels they share give the same bits as the main thread alone', async () => {
    await helpersReady();
    // MaxPool's and ReLU's gradients, both split by rows between threads.
    const run = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([8, 64, 64, 16], 0, 1, 'float32', 7);
        return tf
          .grad(v => tf.sum(tf.mul(tf.maxPool(tf.relu(v) as tf.Tensor4D, 2, 2, 'valid'), 3)))(x)
          .dataSync();
      });
    const shared = run();
    const alone = await withoutKernelHelpers(run);
    expect(sameBits(shared, alone)).toBe(true);
  });
});
