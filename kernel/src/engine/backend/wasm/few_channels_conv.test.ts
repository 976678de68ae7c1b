import { tf } from '../tf';
import { ensureBackend } from '../select';
import { maxRelDiff, randomArray, runOn } from '../testing/compare';
import { withoutKernelHelpers } from './kernel-threads';
import { helpersReady, sameBits } from '../testing/helper-threads';
import { fewChannelsAvailable, fewChannelsConv2d, fewChannelsFits } from './few_channels_conv';
import type { WinogradActivation } from './winograd_conv';

type Case = [n: number, h: number, w: number, ci: number, co: number, pad: 'same' | 'valid'];

/** The convolution (then 2×2 MaxPooling with `pool`) on `backend`: tfjs's ops on cpu, ours on wasm. */
async function run(
  backend: 'cpu' | 'wasm',
  [n, h, w, ci, co, pad]: Case,
  activation: WinogradActivation,
  pool: boolean,
  seed: number
) {
  const x = randomArray(n * h * w * ci, seed);
  const filter = randomArray(9 * ci * co, seed + 1);
  const bias = randomArray(co, seed + 2);
  let shape: number[] = [];
  const [y] = await runOn(backend, () => {
    const args = [tf.tensor4d(x, [n, h, w, ci]), tf.tensor4d(filter, [3, 3, ci, co])] as const;
    let out: tf.Tensor4D;
    if (backend === 'wasm') {
      out = fewChannelsConv2d(...args, tf.tensor1d(bias), pad, activation, pool);
    } else {
      const conv = tf.fused.conv2d({
        x: args[0],
        filter: args[1],
        strides: 1,
        pad,
        bias: tf.tensor1d(bias),
        activation
      });
      out = pool ? tf.maxPool(conv, 2, 2, 'valid') : conv;
    }
    shape = out.shape;
    return out;
  });
  return { y, shape };
}

describe('3×3 convolution of 1-3 channels (MedflowFewChannelsConv2D on wasm)', () => {
  beforeAll(async () => {
    await ensureBackend('wasm');
  });

  it('runs on wasm with the tensor kernels', () => {
    expect(fewChannelsAvailable()).toBe(true);
  });

  it.each<[Case, WinogradActivation, boolean]>([
    // Grayscale, eight output channels at a time, four pixels at a time: 30 = 7 · 4 + 2.
    [[4, 12, 30, 1, 16, 'same'], 'relu', true],
    [[4, 12, 30, 1, 16, 'same'], 'relu', false],
    // RGB; co ≡ 4 (mod 8): the last four channels eight pixels at a time; odd sizes.
    [[3, 7, 9, 3, 12, 'valid'], 'linear', false],
    [[3, 9, 11, 3, 12, 'same'], 'relu6', true],
    [[2, 5, 6, 2, 4, 'same'], 'relu', true]
  ])('equals tfjs on the cpu backend: %j, %s, pool %s', async (c, activation, pool) => {
    const want = await run('cpu', c, activation, pool, 80);
    const got = await run('wasm', c, activation, pool, 80);
    expect(got.shape).toEqual(want.shape);
    // The same products summed in the same order as the direct sum: float32 rounding only.
    expect(maxRelDiff(got.y, want.y)).toBeLessThan(1e-6);
  });

  it('gives the same bits on one thread as shared between threads', async () => {
    await helpersReady();
    const c: Case = [8, 32, 32, 1, 16, 'same'];
    const shared = await run('wasm', c, 'relu', true, 90);
    const alone = await withoutKernelHelpers(() => run('wasm', c, 'relu', true, 90));
    expect(sameBits(shared.y, alone.y)).toBe(true);
  });

  it('takes 3×3, stride-1 convolutions of 1-3 channels to channels in fours only', () => {
    expect(fewChannelsFits([3, 3, 1, 16], [1, 1], [1, 1])).toBe(true);
    expect(fewChannelsFits([3, 3, 3, 32], 1, 1)).toBe(true);
    expect(fewChannelsFits([3, 3, 4, 16], 1, 1)).toBe(false); // Winograd's
    expect(fewChannelsFits([3, 3, 1, 10], 1, 1)).toBe(false);
    expect(fewChannelsFits([3, 3, 1, 16], [2, 2], 1)).toBe(false);
    expect(fewChannelsFits([5, 5, 1, 16], 1, 1)).toBe(false);
  });

  it('refuses a filter that does not fit the input, naming both shapes', () => {
    const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    const f = tf.zeros([3, 3, 2, 8]) as tf.Tensor4D;
    const bias = tf.zeros([8]) as tf.Tensor1D;
    expect(() => fewChannelsConv2d(x, f, bias, 'same', 'relu')).toThrow(
      /MedflowFewChannelsConv2D: filter \[3,3,2,8\] does not fit input \[1,4,4,1\]/
    );
    tf.dispose([x, f, bias]);
  });
});
