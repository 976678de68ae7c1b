import { tf } from '../tf';
import { randomArray, runOn, wasmVsCpu } from '../testing/compare';

type Case = { x: number[]; param: number[]; scale: boolean; offset: boolean };
const CASES: Case[] = [
  { x: [3, 5, 6, 4], param: [4], scale: true, offset: true },
  { x: [3, 5, 6, 4], param: [1, 1, 1, 4], scale: true, offset: true },
  { x: [7, 3], param: [3], scale: false, offset: true },
  { x: [2, 4, 4, 5], param: [5], scale: true, offset: false },
  { x: [2, 3, 3, 2], param: [], scale: true, offset: true }, // scalar parameters
  { x: [4, 6], param: [4, 6], scale: true, offset: true } // full-size: the stock kernel
];

describe('wasm FusedBatchNorm', () => {
  it.each(CASES.map(c => [JSON.stringify(c), c] as const))(
    'matches the cpu backend, %s',
    async (_, c) => {
      const n = tf.util.sizeFromShape(c.param);
      const diff = await wasmVsCpu(() => {
        const p = (seed: number, shift = 0) => tf.tensor(randomArray(n, seed), c.param).add(shift);
        return tf.batchNorm(
          tf.tensor(randomArray(tf.util.sizeFromShape(c.x), 1), c.x).mul(4),
          p(2),
          p(3, 1.5),
          c.offset ? p(4) : undefined,
          c.scale ? p(5, 1) : undefined,
          1e-3
        );
      });
      expect(diff).toBeLessThan(1e-6);
    }
  );

  it('is accurate when the mean is far from zero (raw pixel values)', async () => {
    const xs = randomArray(2 * 4 * 4 * 3, 6).map(v => 128 + 20 * v);
    const run = () =>
      tf.batchNorm(
        tf.tensor(xs, [2, 4, 4, 3]),
        tf.fill([3], 128),
        tf.fill([3], 400),
        undefined,
        undefined,
        1e-3
      );
    const [cpu] = await runOn('cpu', run);
    const [wasm] = await runOn('wasm', run);
    let worst = 0;
    for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(cpu[i] - wasm[i]));
    expect(worst).toBeLessThan(1e-5);
  });

  it('frees what it allocates', async () => {
    await runOn('wasm', () => tf.scalar(0));
    const x = tf.randomNormal([2, 8, 8, 6]);
    const p = tf.ones([6]);
    tf.batchNorm(x, p, p, p, p).dispose();
    // The backend's own buffer count includes the kernel's temporaries (filter, bias).
    const buffers = () => tf.backend().numDataIds();
    const before = buffers();
    for (let i = 0; i < 20; i++) tf.batchNorm(x, p, p, p, p).dispose();
    expect(buffers()).toBe(before);
    tf.dispose([x, p]);
  });
});
