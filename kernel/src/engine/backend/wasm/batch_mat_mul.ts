/**
 * BatchMatMul with a transposed operand, for wasm. The stock kernel handles transposeA/B with
 * strided access, 5-30x slower than transposing the operand first and multiplying plainly
 * (measured here: 512³ with transposeA 296 ms, with an explicit Transpose 15 ms). Gradients of
 * every Dense layer multiply by transposed matrices, so this matters for all training.
 */
import { tf } from '../tf';
import type { BackendWasm, KernelArgs, TensorInfo } from './util';
import { disposeAll, replacementKernel, transpose } from './util';

/** The permutation that swaps the last two axes of a rank-`rank` tensor. */
function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

export function makeBatchMatMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  function batchMatMul(args: KernelArgs): TensorInfo {
    const backend = args.backend as BackendWasm;
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as {
      transposeA: boolean;
      transposeB: boolean;
    };
    if (!transposeA && !transposeB) return stock.kernelFunc(args as never) as TensorInfo;
    const a2 = transposeA ? transpose(backend, a, swapLastTwo(a.shape.length)) : a;
    const b2 = transposeB ? transpose(backend, b, swapLastTwo(b.shape.length)) : b;
    const out = stock.kernelFunc({
      inputs: { a: a2, b: b2 },
      backend,
      attrs: { ...args.attrs, transposeA: false, transposeB: false }
    }) as TensorInfo;
    if (a2 !== a) disposeAll(backend, a2);
    if (b2 !== b) disposeAll(backend, b2);
    return out;
  }
  return replacementKernel(stock, batchMatMul);
}
