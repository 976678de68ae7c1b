/**
 * Slice for wasm without reading the whole input. The stock kernel starts with
 * `backend.readSync(x)`, a copy of the entire input out of the wasm heap, for every slice: a
 * batch sliced from a dataset tensor (tfjs-layers' predict and fit slice their inputs per batch)
 * copies the whole dataset each time. This one copies only the selected rows, from a view of
 * the heap. Strings keep the stock kernel.
 */
import { tf } from '../tf';
import type { BackendWasm, KernelArgs, TensorInfo } from './util';
import { replacementKernel } from './util';

/** Copies the slice (begin, size) of `src` (shape `shape`, row-major) into `dst`. */
function copySlice(
  src: tf.TypedArray,
  dst: tf.TypedArray,
  shape: number[],
  begin: number[],
  size: number[]
): void {
  const rank = shape.length;
  const strides = tf.util.computeStrides(shape);
  const run = size[rank - 1];
  const outer = tf.util.sizeFromShape(size.slice(0, -1));
  const index = new Array<number>(Math.max(0, rank - 1)).fill(0);
  for (let row = 0; row < outer; row++) {
    let from = begin[rank - 1];
    for (let d = 0; d < rank - 1; d++) from += (begin[d] + index[d]) * strides[d];
    dst.set(src.subarray(from, from + run), row * run);
    // Next index over the leading axes (odometer order, last axis fastest).
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d] < size[d]) break;
      index[d] = 0;
    }
  }
}

export function makeSliceConfig(stock: tf.KernelConfig): tf.KernelConfig {
  function slice(args: KernelArgs): TensorInfo {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: TensorInfo };
    const { begin, size } = args.attrs as unknown as {
      begin: number | number[];
      size: number | number[];
    };
    if (x.dtype === 'string') return stock.kernelFunc(args as never) as TensorInfo;
    const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    const out = backend.makeOutput(size_, x.dtype);
    if (tf.util.sizeFromShape(size_) === 0) return out;
    // Views taken after the allocation: allocating may grow (and move) the wasm heap.
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    if (x.shape.length === 0) {
      dst.set(src);
    } else if (tf.slice_util.isSliceContinous(x.shape, begin_, size_)) {
      const offset = tf.slice_util.computeFlatOffset(begin_, tf.util.computeStrides(x.shape));
      dst.set(src.subarray(offset, offset + dst.length));
    } else {
      copySlice(src, dst, x.shape, begin_, size_);
    }
    return out;
  }
  return replacementKernel(stock, slice);
}
