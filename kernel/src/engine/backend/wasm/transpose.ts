/**
 * Transpose for wasm, faster where training needs it: the stock kernel's general path takes
 * 4.7 ms to swap the first and last axes of a 32×32×32×32 float32 tensor (the filter
 * gradient's layout of dy, conv2d_backprop_filter.ts), about five times a copy. Swaps of the
 * first and last axes with the middle ones in place (perm [r−1, 1, …, r−2, 0]: [1, 0],
 * [2, 1, 0], [3, 1, 2, 0]) of 32-bit tensors run in the SIMD tensor kernels in place; every
 * other permutation takes the stock kernel.
 */
import { tf } from '../tf';
import type { Attrs, BackendWasm, TensorInfo } from './util';
import { heapAddress, tensorKernels } from './tensor-kernels';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: Attrs };

/** Whether perm swaps the first and last of r ≥ 2 axes and keeps the others. */
export function swapsOuterInner(perm: readonly number[]): boolean {
  const r = perm.length;
  if (r < 2 || perm[0] !== r - 1 || perm[r - 1] !== 0) return false;
  for (let i = 1; i < r - 1; i++) if (perm[i] !== i) return false;
  return true;
}

export function makeTransposeConfig(stock: tf.KernelConfig): tf.KernelConfig {
  function transposeKernel(args: KernelArgs): TensorInfo {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: TensorInfo };
    const { perm } = args.attrs as unknown as { perm: number[] };
    const simd = tensorKernels(backend);
    const wordSized = x.dtype === 'float32' || x.dtype === 'int32';
    if (!simd || !wordSized || !swapsOuterInner(perm) || tf.util.sizeFromShape(x.shape) === 0) {
      return stock.kernelFunc(args as never) as TensorInfo;
    }
    const shape = x.shape;
    const n = shape[0];
    const c = shape[shape.length - 1];
    const m = tf.util.sizeFromShape(shape.slice(1, -1));
    const out = backend.makeOutput(
      perm.map(p => shape[p]),
      x.dtype
    );
    simd.swapOuterInner32(heapAddress(backend, x), heapAddress(backend, out), n, m, c);
    return out;
  }
  return {
    kernelName: 'Transpose',
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: transposeKernel as tf.KernelFunc
  };
}
