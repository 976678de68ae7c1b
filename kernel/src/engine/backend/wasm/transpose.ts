/**
 * Transpose for wasm, faster where training needs it: the stock kernel's general path takes
 * 4.7 ms to swap the first and last axes of a 32×32×32×32 float32 tensor (the filter
 * gradient's layout of dy, conv2d_backprop_filter.ts), about five times a copy. Permutations
 * that swap two runs of axes around a third (outerInnerSwap: matrix transposes, first and last
 * axes swapped, channels moved first) of 32-bit tensors run in the SIMD tensor kernels in
 * place; every other permutation takes the stock kernel.
 */
import { tf } from '../tf';
import type { BackendWasm, KernelArgs, TensorInfo } from './util';
import { replacementKernel } from './util';
import { heapAddress, tensorKernels } from './tensor-kernels';

/**
 * The sizes (n, m, c) when perm moves three runs of consecutive axes, A = [0, a), B = [a, b)
 * and C = [b, r), each kept in order, to C, B, A (B may be empty): then the transpose is
 * dst[c][m][n] = src[n][m][c] over the runs' sizes. Null for any other permutation. E.g.
 * [1, 0]; [3, 1, 2, 0] (first and last axes swapped); [3, 0, 1, 2] (channels first).
 */
export function outerInnerSwap(
  shape: readonly number[],
  perm: readonly number[]
): [number, number, number] | null {
  const r = perm.length;
  const size = (from: number, to: number) => shape.slice(from, to).reduce((p, v) => p * v, 1);
  for (let a = 1; a < r; a++) {
    for (let b = a; b < r; b++) {
      const order = [...range(b, r), ...range(a, b), ...range(0, a)];
      if (order.every((axis, i) => perm[i] === axis)) return [size(0, a), size(a, b), size(b, r)];
    }
  }
  return null;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

export function makeTransposeConfig(stock: tf.KernelConfig): tf.KernelConfig {
  function transposeKernel(args: KernelArgs): TensorInfo {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: TensorInfo };
    const { perm } = args.attrs as unknown as { perm: number[] };
    const simd = tensorKernels(backend);
    const wordSized = x.dtype === 'float32' || x.dtype === 'int32';
    const sizes = outerInnerSwap(x.shape, perm);
    if (!simd || !wordSized || !sizes || tf.util.sizeFromShape(x.shape) === 0) {
      return stock.kernelFunc(args as never) as TensorInfo;
    }
    const out = backend.makeOutput(
      perm.map(p => x.shape[p]),
      x.dtype
    );
    simd.swapOuterInner32(heapAddress(backend, x), heapAddress(backend, out), ...sizes);
    return out;
  }
  return replacementKernel(stock, transposeKernel);
}
