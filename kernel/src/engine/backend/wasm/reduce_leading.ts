/**
 * Sum and Mean over leading axes for wasm. The stock kernels reduce only innermost axes, so for
 * a reduction over the batch and spatial axes of an NHWC tensor (BatchNorm statistics and
 * gradients, bias gradients) they first transpose the whole tensor, which costs more than the
 * sum itself. A mean over the leading axes of x, seen as an image [1, rows, 1, cols], is one
 * average pooling with a [rows, 1] window: the backend's XNNPACK pooling streams through x once
 * (measured 0.6 ms for 32×64×64×16, where a MatMul with a row of ones took 6 ms, as it repacks
 * x as weights, and a JS loop 3.5 ms). A Sum is that mean times rows. Deterministic (no
 * threads inside one window). Other reductions use the stock kernel.
 */
import { tf } from '../tf';
import type { BackendWasm, KernelArgs, TensorInfo } from './util';
import { heapF32, replacementKernel, runKernel } from './util';

/** The number of leading axes `axis` names, or -1 unless they are exactly 0..k-1 with k < rank. */
export function leadingAxesCount(axis: number | number[], rank: number): number {
  const axes = tf.util.parseAxisParam(
    axis,
    [...Array(rank).keys()].map(() => 1)
  );
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  if (sorted.length === 0 || sorted.length >= rank) return -1;
  return sorted.every((a, i) => a === i) ? sorted.length : -1;
}

function makeReduceConfig(kernelName: 'Sum' | 'Mean', stock: tf.KernelConfig): tf.KernelConfig {
  function reduce(args: KernelArgs): TensorInfo {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as {
      axis: number | number[];
      keepDims: boolean;
    };
    const empty = tf.util.sizeFromShape(x.shape) === 0;
    const k = x.dtype === 'float32' && !empty ? leadingAxesCount(axis, x.shape.length) : -1;
    if (k < 0) return stock.kernelFunc(args as never) as TensorInfo;
    const rows = tf.util.sizeFromShape(x.shape.slice(0, k));
    const cols = tf.util.sizeFromShape(x.shape.slice(k));
    const shape = keepDims
      ? [...x.shape.slice(0, k).map(() => 1), ...x.shape.slice(k)]
      : x.shape.slice(k);
    // x viewed as [1, rows, 1, cols]: same memory, another shape (as the backend's Reshape does).
    const image: TensorInfo = { dataId: x.dataId, shape: [1, rows, 1, cols], dtype: 'float32' };
    const out = runKernel(
      backend,
      'AvgPool',
      { x: image },
      { filterSize: [rows, 1], strides: 1, pad: 'valid' }
    );
    if (kernelName === 'Sum') {
      const values = heapF32(backend, out);
      for (let c = 0; c < cols; c++) values[c] *= rows;
    }
    out.shape = shape;
    return out;
  }
  return replacementKernel(stock, reduce);
}

export const makeSumConfig = (stock: tf.KernelConfig) => makeReduceConfig('Sum', stock);
export const makeMeanConfig = (stock: tf.KernelConfig) => makeReduceConfig('Mean', stock);
