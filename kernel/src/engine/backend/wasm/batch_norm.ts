/**
 * FusedBatchNorm (tf.batchNorm: every BatchNormalization layer, in training and inference) for
 * wasm as a 1×1 depthwise convolution with bias on XNNPACK: y = x·a[c] + b[c], with
 * a = scale / √(variance + ε) and b = offset - mean·a computed once per channel. The stock
 * kernel is a scalar loop with broadcasting index arithmetic per element; the depthwise
 * operator is SIMD and threaded: measured 7-20× faster (32×64×64×16: 19.7 → 2.6 ms;
 * 32×28×28×144: 41.6 → 2.0 ms), which makes BatchNorm nearly free at inference.
 * Folding the mean into b rounds differently from (x - mean)·a when |mean| ≫ the standard
 * deviation (relative error ~1e-7·|mean·a|). Parameters must be per channel (size C) or
 * scalars, and x float32; anything else uses the stock kernel.
 */
import { tf } from '../tf';
import type { BackendWasm, TensorInfo } from './util';
import { disposeAll, heapF32, replacementKernel, runKernel } from './util';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** The per-channel values of a parameter (size C or 1), or null when it is neither. */
function perChannel(
  backend: BackendWasm,
  t: TensorInfo | undefined,
  c: number,
  fallback: number
): Float64Array | null {
  const out = new Float64Array(c).fill(fallback);
  if (t == null) return out;
  if (t.dtype !== 'float32') return null;
  const size = tf.util.sizeFromShape(t.shape);
  if (size !== c && size !== 1) return null;
  const v = heapF32(backend, t);
  for (let i = 0; i < c; i++) out[i] = v[size === 1 ? 0 : i];
  return out;
}

export function makeBatchNormConfig(stock: tf.KernelConfig): tf.KernelConfig {
  function batchNorm(args: KernelArgs): TensorInfo {
    const backend = args.backend as BackendWasm;
    const { x, mean, variance, offset, scale } = args.inputs as Record<string, TensorInfo>;
    const { varianceEpsilon } = args.attrs as unknown as { varianceEpsilon: number };
    const useStock = () => stock.kernelFunc(args as never) as TensorInfo;
    const size = tf.util.sizeFromShape(x.shape);
    if (x.dtype !== 'float32' || x.shape.length === 0 || size === 0) return useStock();
    const c = x.shape[x.shape.length - 1];
    const m = perChannel(backend, mean, c, 0);
    const v = perChannel(backend, variance, c, 1);
    const o = perChannel(backend, offset, c, 0);
    const s = perChannel(backend, scale, c, 1);
    if (m == null || v == null || o == null || s == null) return useStock();
    const filter = backend.makeOutput([1, 1, c, 1], 'float32');
    const bias = backend.makeOutput([c], 'float32');
    const a = heapF32(backend, filter);
    const b = heapF32(backend, bias);
    for (let i = 0; i < c; i++) {
      a[i] = s[i] / Math.sqrt(v[i] + varianceEpsilon);
      b[i] = o[i] - m[i] * a[i];
    }
    // x seen as one image of size/C pixels (same memory, as the backend's Reshape does).
    const image: TensorInfo = { dataId: x.dataId, shape: [1, size / c, 1, c], dtype: 'float32' };
    const y = runKernel(
      backend,
      'FusedDepthwiseConv2D',
      { x: image, filter, bias },
      {
        strides: [1, 1],
        pad: 'valid',
        dataFormat: 'NHWC',
        dilations: [1, 1],
        dimRoundingMode: undefined,
        activation: 'linear'
      }
    );
    disposeAll(backend, filter, bias);
    y.shape = [...x.shape];
    return y;
  }
  return replacementKernel(stock, batchNorm);
}
