/**
 * Patch matrices of NHWC convolutions for computing their gradients as one GEMM on the wasm
 * backend's XNNPACK MatMul (the fastest kernel it has; ~35 GFLOP/s on 2 threads here).
 *
 * `im2colTransposed` writes, for images [n0, n0+count) of x, the matrix colT with one row per
 * filter tap and input channel, r = (i·fw + j)·Ci + ci, and one column per output position,
 * p = ((n - n0)·Ho + oy)·Wo + ox:
 *   colT[r, p] = x[n, oy·sh + i·dh - top, ox·sw + j·dw - left, ci]  (0 outside the image).
 * Rows are filled from x in channel-major order ([Ci, N, H, W]), so that for stride 1 each
 * (row, image, output row) is one contiguous copy.
 */
import type { tf } from '../tf';

export type ConvInfo = tf.backend_util.Conv2DInfo;

/** The output columns [lo, hi) whose input column ox·s + offset lies inside [0, size). */
function validRange(offset: number, stride: number, outSize: number, size: number) {
  const lo = Math.max(0, Math.ceil(-offset / stride));
  const hi = Math.min(outSize, Math.floor((size - 1 - offset) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * Fills `colT` ([fh·fw·Ci, count·Ho·Wo], row-major) from `xChw`, x in [Ci, N, H, W] order.
 */
export function im2colTransposed(
  xChw: Float32Array,
  colT: Float32Array,
  info: ConvInfo,
  n0: number,
  count: number
): void {
  const { batchSize, inHeight: h, inWidth: w, inChannels: ci } = info;
  const { outHeight: ho, outWidth: wo, filterHeight: fh, filterWidth: fw } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;
  const p = count * ho * wo;
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const colOffset = j * dw - left;
      const [lo, hi] = validRange(colOffset, sw, wo, w);
      for (let c = 0; c < ci; c++) {
        const row = ((i * fw + j) * ci + c) * p;
        for (let n = 0; n < count; n++) {
          const plane = (c * batchSize + n0 + n) * h;
          for (let oy = 0; oy < ho; oy++) {
            const dst = row + (n * ho + oy) * wo;
            const iy = oy * sh + i * dh - top;
            if (iy < 0 || iy >= h) {
              colT.fill(0, dst, dst + wo);
              continue;
            }
            const src = (plane + iy) * w + colOffset;
            if (lo > 0) colT.fill(0, dst, dst + lo);
            if (hi < wo) colT.fill(0, dst + hi, dst + wo);
            if (sw === 1) {
              colT.set(xChw.subarray(src + lo, src + hi), dst + lo);
            } else {
              for (let ox = lo; ox < hi; ox++) colT[dst + ox] = xChw[src + ox * sw];
            }
          }
        }
      }
    }
  }
}

/**
 * Images per group so that one group's patch matrix stays below `maxFloats` (bounded scratch
 * memory), the batch split into groups of equal size (the last one may be smaller).
 */
export function imagesPerGroup(info: ConvInfo, maxFloats: number): number {
  const perImage = info.filterHeight * info.filterWidth * info.inChannels;
  const rows = perImage * info.outHeight * info.outWidth;
  const most = Math.max(1, Math.min(info.batchSize, Math.floor(maxFloats / rows)));
  return Math.ceil(info.batchSize / Math.ceil(info.batchSize / most));
}

/**
 * The adjoint of im2col: adds each patch-matrix entry back to the input position it was read
 * from. `cols` is [N·Ho·Wo, fh·fw·Ci] (row p = (n·Ho + oy)·Wo + ox, column (i·fw + j)·Ci + ci);
 * `dx` ([N, H, W, Ci]) must be zero on entry. Sums in a fixed order (deterministic).
 */
export function col2im(cols: Float32Array, dx: Float32Array, info: ConvInfo): void {
  const { batchSize, inHeight: h, inWidth: w, inChannels: ci } = info;
  const { outHeight: ho, outWidth: wo, filterHeight: fh, filterWidth: fw } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;
  const k = fh * fw * ci;
  // One tap and channel at a time, so that the innermost loop is two strided streams with no
  // bounds checks (the valid output ranges are computed per tap).
  for (let i = 0; i < fh; i++) {
    const rowOffset = i * dh - top;
    const [yLo, yHi] = validRange(rowOffset, sh, ho, h);
    for (let j = 0; j < fw; j++) {
      const colOffset = j * dw - left;
      const [xLo, xHi] = validRange(colOffset, sw, wo, w);
      for (let c = 0; c < ci; c++) {
        const column = (i * fw + j) * ci + c;
        for (let n = 0; n < batchSize; n++) {
          for (let oy = yLo; oy < yHi; oy++) {
            let from = ((n * ho + oy) * wo + xLo) * k + column;
            let to = ((n * h + oy * sh + rowOffset) * w + xLo * sw + colOffset) * ci + c;
            for (let ox = xLo; ox < xHi; ox++, from += k, to += sw * ci) dx[to] += cols[from];
          }
        }
      }
    }
  }
}
