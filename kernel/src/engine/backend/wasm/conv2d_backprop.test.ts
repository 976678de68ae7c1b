import { tf } from '../tf';
import { randomArray, wasmVsCpu } from '../testing/compare';
import { patchLimits } from './conv2d_backprop_filter';
import { withoutTensorKernels } from './tensor-kernels';

type Pad = 'same' | 'valid';
interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  /** Tolerance where sums run over very many terms (float32 rounding in the cpu reference). */
  tol?: number;
}

// Odd and even sizes, strides that do and do not tile the input, non-square filters.
const CASES: Case[] = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { x: [3, 8, 6, 2], f: [3, 2, 2, 5], strides: 2, pad: 'same' },
  { x: [3, 9, 9, 2], f: [3, 3, 2, 3], strides: 2, pad: 'valid' },
  { x: [1, 10, 11, 4], f: [5, 5, 4, 2], strides: [2, 3], pad: 'same' },
  { x: [2, 12, 12, 1], f: [1, 1, 1, 6], strides: 3, pad: 'valid' },
  { x: [4, 6, 6, 8], f: [4, 4, 8, 8], strides: 1, pad: 'same' },
  // Many input channels: without the tensor kernels, the convolution formulations instead of
  // GEMM + im2col (the filter gradient), and always for the input gradient (no col2im).
  { x: [2, 7, 7, 12], f: [3, 3, 12, 5], strides: 1, pad: 'same' },
  { x: [3, 9, 8, 10], f: [3, 3, 10, 4], strides: 2, pad: 'valid' },
  // Strides over many channels: the input gradient by phases (ResNet's downsampling 3×3 and
  // 1×1 shortcuts; odd sizes, unequal strides, a filter smaller than the stride, rows the
  // forward pass never read).
  { x: [2, 8, 8, 8], f: [3, 3, 8, 16], strides: 2, pad: 'same' },
  { x: [2, 7, 9, 8], f: [3, 3, 8, 12], strides: 2, pad: 'same' },
  { x: [2, 8, 8, 8], f: [1, 1, 8, 16], strides: 2, pad: 'valid' },
  { x: [1, 11, 10, 6], f: [5, 5, 6, 5], strides: [2, 3], pad: 'same' },
  { x: [2, 11, 10, 6], f: [3, 3, 6, 5], strides: 3, pad: 'valid' },
  { x: [2, 10, 10, 8], f: [2, 2, 8, 8], strides: 2, pad: 'valid' },
  // A patch matrix over 4M floats: the filter gradient's GEMM runs in groups of images (4+1).
  // Each filter-gradient entry sums 264,500 products; the cpu backend adds them one by one in
  // float32, hence the looser bound.
  { x: [5, 230, 230, 2], f: [3, 3, 2, 2], strides: 1, pad: 'same', tol: 1e-4 }
];

const name = (c: Case) => `x ${c.x} filter ${c.f} strides ${c.strides} ${c.pad}`;

function outShape(c: Case): number[] {
  return tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides, 1, c.pad).outShape;
}

/** The wasm filter gradient against the cpu backend's (max relative difference). */
function filterGradientDiff(c: Case): Promise<number> {
  const x = randomArray(tf.util.sizeFromShape(c.x), 1);
  const dyShape = outShape(c);
  const dy = randomArray(tf.util.sizeFromShape(dyShape), 2);
  return wasmVsCpu(
    () =>
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        {
          x: tf.tensor(x, c.x),
          dy: tf.tensor(dy, dyShape)
        },
        { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f }
      ) as tf.Tensor
  );
}

describe('wasm Conv2D gradients match the cpu backend', () => {
  it.each(CASES.map(c => [name(c), c] as const))('filter gradient, %s', async (_, c) => {
    expect(await filterGradientDiff(c)).toBeLessThan(c.tol ?? 1e-5);
  });

  it.each([
    ['one channel, 8 filters (the short product)', [5, 9, 10, 1], [3, 3, 1, 8]],
    ['3 channels, 4 filters (the short product)', [5, 7, 7, 3], [3, 3, 3, 4]],
    ['16 channels (XNNPACK, dy sliced)', [5, 6, 6, 16], [3, 3, 16, 8]]
  ] as const)('filter gradient over groups of two images, %s', async (_, x, f) => {
    const limits = patchLimits.groupFloats;
    // Room for the patch matrices of two images: groups of 2, 2 and 1.
    patchLimits.groupFloats = 2 * f[0] * f[1] * f[2] * x[1] * x[2];
    try {
      const c: Case = { x: [...x], f: [...f], strides: 1, pad: 'same' };
      expect(await filterGradientDiff(c)).toBeLessThan(1e-5);
    } finally {
      patchLimits.groupFloats = limits;
    }
  });

  // Without the SIMD tensor kernels, many input channels take the convolution formulations.
  it.each(CASES.filter(c => c.x[3] > 8).map(c => [name(c), c] as const))(
    'filter gradient without the tensor kernels, %s',
    async (_, c) => {
      expect(await withoutTensorKernels(() => filterGradientDiff(c))).toBeLessThan(1e-5);
    }
  );

  it.each(CASES.map(c => [name(c), c] as const))('input gradient, %s', async (_, c) => {
    const f = randomArray(tf.util.sizeFromShape(c.f), 3);
    const dyShape = outShape(c);
    const dy = randomArray(tf.util.sizeFromShape(dyShape), 4);
    const diff = await wasmVsCpu(
      () =>
        tf.engine().runKernel(
          'Conv2DBackpropInput',
          {
            dy: tf.tensor(dy, dyShape),
            filter: tf.tensor(f, c.f)
          },
          { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x }
        ) as tf.Tensor
    );
    expect(diff).toBeLessThan(1e-5);
  });

  it('gives the gradients of tf.conv2d through tf.grads (explicit padding)', async () => {
    const xs = randomArray(2 * 9 * 9 * 3, 5);
    const fs = randomArray(3 * 3 * 3 * 4, 6);
    const diff = await wasmVsCpu(() => {
      const w = tf.tensor(randomArray(2 * 5 * 5 * 4, 7), [2, 5, 5, 4]);
      const loss = (x: tf.Tensor, f: tf.Tensor) =>
        tf
          .conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, [
            [0, 0],
            [1, 1],
            [2, 0],
            [0, 0]
          ])
          .mul(w)
          .sum();
      return tf.grads(loss)([tf.tensor(xs, [2, 9, 9, 3]), tf.tensor(fs, [3, 3, 3, 4])]);
    });
    expect(diff).toBeLessThan(1e-5);
  });
});
