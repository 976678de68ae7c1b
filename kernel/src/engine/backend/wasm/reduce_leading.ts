/**
 * Sum and Mean over leading axes for wasm. The stock kernels reduce only innermost axes, so for
 * a reduction over the batch and spatial axes of an NHWC tensor (BatchNorm statistics and
 * gradients, bias gradients) they first transpose the whole tensor, which costs more than the
 * sum itself. Here such a reduction is one streaming pass that adds rows into per-column
 * accumulators (float64, in a fixed order: deterministic). Other reductions use the stock kernel.
 */
import { tf } from '../tf';
import type { Attrs, BackendWasm, TensorInfo } from './util';
import { heapF32 } from './util';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: Attrs };

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
    const k = x.dtype === 'float32' ? leadingAxesCount(axis, x.shape.length) : -1;
    if (k < 0) return stock.kernelFunc(args as never) as TensorInfo;
    const rows = tf.util.sizeFromShape(x.shape.slice(0, k));
    const cols = tf.util.sizeFromShape(x.shape.slice(k));
    const shape = keepDims
      ? [...x.shape.slice(0, k).map(() => 1), ...x.shape.slice(k)]
      : x.shape.slice(k);
    const out = backend.makeOutput(shape, 'float32');
    const src = heapF32(backend, x);
    const dst = heapF32(backend, out);
    const acc = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) acc[c] += src[base + c];
    }
    const scale = kernelName === 'Mean' ? 1 / rows : 1;
    for (let c = 0; c < cols; c++) dst[c] = acc[c] * scale;
    return out;
  }
  return {
    kernelName,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: reduce as tf.KernelFunc
  };
}

export const makeSumConfig = (stock: tf.KernelConfig) => makeReduceConfig('Sum', stock);
export const makeMeanConfig = (stock: tf.KernelConfig) => makeReduceConfig('Mean', stock);
