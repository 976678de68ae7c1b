/**
 * MaxPoolGrad for wasm: the stock kernel is wrong. It starts each window's running maximum at
 * 0 instead of -∞, so a window whose values are all negative (after BatchNorm, many are)
 * passes no gradient at all; whole-model gradients then differ from the cpu backend by
 * 30-100% while the loss still falls a little. This one sends each output's gradient to the
 * first position (in row-major window order, as the cpu backend does) holding the window's
 * maximum, padding excluded. A plain loop: pooling windows are small and this is cheap.
 */
import { tf } from '../tf';
import type { Attrs, BackendWasm, TensorInfo } from './util';
import { heapF32 } from './util';

interface MaxPoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function maxPoolGrad(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: Attrs;
}): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const attrs = args.attrs as unknown as MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode
  );
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;

  const out = backend.makeOutput(input.shape, 'float32');
  const x = heapF32(backend, input);
  const g = heapF32(backend, dy);
  const dx = heapF32(backend, out);
  dx.fill(0);
  const full2x2 =
    filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2;
  if (
    full2x2 &&
    top === 0 &&
    left === 0 &&
    inHeight === 2 * outHeight &&
    inWidth === 2 * outWidth
  ) {
    // The usual MaxPooling2D(2): disjoint, complete 2×2 windows; unrolled (3× faster).
    const row = inWidth * c;
    for (let b = 0; b < batchSize; b++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          const base = ((b * inHeight + 2 * oy) * inWidth + 2 * ox) * c;
          const gBase = ((b * outHeight + oy) * outWidth + ox) * c;
          for (let ch = 0; ch < c; ch++) {
            const i0 = base + ch;
            const i2 = i0 + row;
            let at = i0;
            let best = x[i0];
            if (x[i0 + c] > best) {
              at = i0 + c;
              best = x[at];
            }
            if (x[i2] > best) {
              at = i2;
              best = x[at];
            }
            if (x[i2 + c] > best) at = i2 + c;
            dx[at] = g[gBase + ch];
          }
        }
      }
    }
    return out;
  }
  // Per output pixel: scan its window with the channels innermost (contiguous in NHWC),
  // keeping each channel's running maximum and its position.
  const best = new Float32Array(c);
  const at = new Int32Array(c);
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * inWidth * c;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - top;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(inHeight, y0 + filterHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - left;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(inWidth, x0 + filterWidth);
        best.fill(-Infinity);
        at.fill(-1);
        for (let y = yStart; y < yEnd; y++) {
          for (let xx = xStart; xx < xEnd; xx++) {
            const base = xBatch + (y * inWidth + xx) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[base + ch];
              if (v > best[ch]) {
                best[ch] = v;
                at[ch] = base + ch;
              }
            }
          }
        }
        const gBase = ((b * outHeight + oy) * outWidth + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          if (at[ch] >= 0) dx[at[ch]] += g[gBase + ch];
        }
      }
    }
  }
  return out;
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as tf.KernelFunc
};
