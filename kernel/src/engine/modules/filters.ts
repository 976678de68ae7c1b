/**
 * Neighbourhood operations shared by the filter modules: border extrapolation with OpenCV's
 * modes, separable and general 2D correlation, and min/max (morphology) filters. Images are
 * H×W×C interleaved typed arrays; each channel is filtered independently.
 */
import type { NumericArray } from '../data/ndarray';
import { scratchFloat64 } from './typed-loops';
import { minMaxChainSimd, type MaskRun } from '../simd/min-max';
import { kernelPixels } from '../simd/wasm-kernels';
import { boxWeights, separableSimd } from '../simd/separable';
import type { DataDict } from '../data/datadict';
import { withImage } from './image';
import { storeFiltered } from './filtered';

/** OpenCV border modes, by OpenCV's names. */
export type Border = 'reflect_101' | 'reflect' | 'replicate' | 'wrap' | 'constant';

/** Source index for coordinate p in [0, len) after border extrapolation; -1 for 'constant'. */
export function borderIndex(p: number, len: number, border: Border): number {
  if (p >= 0 && p < len) return p;
  if (border === 'constant') return -1;
  if (len === 1) return 0;
  switch (border) {
    case 'replicate':
      return p < 0 ? 0 : len - 1;
    case 'wrap':
      return ((p % len) + len) % len;
    case 'reflect':
      do {
        p = p < 0 ? -p - 1 : 2 * len - 1 - p;
      } while (p < 0 || p >= len);
      return p;
    default:
      do {
        p = p < 0 ? -p : 2 * len - 2 - p;
      } while (p < 0 || p >= len);
      return p;
  }
}

/** paddedIndices' tables by axis and margins: a dataset pads or filters every image alike. */
const paddedTables = new Map<string, Int32Array>();

/**
 * Source indices of coordinates -before … len-1+after (the padded axis), -1 where the border
 * is constant. Shared and cached: callers must not write to it.
 */
export function paddedIndices(
  len: number,
  before: number,
  after: number,
  border: Border
): Int32Array {
  const key = `${len},${before},${after},${border}`;
  let out = paddedTables.get(key);
  if (!out) {
    out = new Int32Array(len + before + after);
    for (let i = 0; i < out.length; i++) out[i] = borderIndex(i - before, len, border);
    if (paddedTables.size >= 64) paddedTables.clear();
    paddedTables.set(key, out);
  }
  return out;
}

/** Horizontal correlation of one padded row (c interleaved channels) into out[o …]. */
function correlateRow(
  row: Float64Array,
  K: Float64Array,
  out: Float64Array,
  o: number,
  n: number,
  c: number
): void {
  const taps = K.length;
  if (c === 1 && taps === 3) {
    const [k0, k1, k2] = [K[0], K[1], K[2]];
    for (let x = 0; x < n; x++) out[o + x] = k0 * row[x] + k1 * row[x + 1] + k2 * row[x + 2];
    return;
  }
  if (c === 1 && taps === 5) {
    const [k0, k1, k2, k3, k4] = [K[0], K[1], K[2], K[3], K[4]];
    for (let x = 0; x < n; x++) {
      out[o + x] =
        k0 * row[x] + k1 * row[x + 1] + k2 * row[x + 2] + k3 * row[x + 3] + k4 * row[x + 4];
    }
    return;
  }
  if (c === 1 && taps === 7) {
    const [k0, k1, k2, k3, k4, k5, k6] = [K[0], K[1], K[2], K[3], K[4], K[5], K[6]];
    for (let x = 0; x < n; x++) {
      out[o + x] =
        k0 * row[x] +
        k1 * row[x + 1] +
        k2 * row[x + 2] +
        k3 * row[x + 3] +
        k4 * row[x + 4] +
        k5 * row[x + 5] +
        k6 * row[x + 6];
    }
    return;
  }
  if (c === 1 && taps === 9) {
    const [k0, k1, k2, k3, k4, k5, k6, k7, k8] = K;
    for (let x = 0; x < n; x++) {
      out[o + x] =
        k0 * row[x] +
        k1 * row[x + 1] +
        k2 * row[x + 2] +
        k3 * row[x + 3] +
        k4 * row[x + 4] +
        k5 * row[x + 5] +
        k6 * row[x + 6] +
        k7 * row[x + 7] +
        k8 * row[x + 8];
    }
    return;
  }
  if (c === 1) {
    for (let x = 0; x < n; x++) {
      let s = 0;
      for (let t = 0; t < taps; t++) s += K[t] * row[x + t];
      out[o + x] = s;
    }
    return;
  }
  // n counts values (pixels × channels); tap t of value i sits t·c further along.
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < taps; t++) s += K[t] * row[i + t * c];
    out[o + i] = s;
  }
}

/**
 * separableFilter for the reflecting and replicating borders: each source row is converted
 * once into a padded float64 row (TypedArray.set converts natively), correlated with kx, and
 * the output row sums its ky source rows in one pass. Sums run in the same order as the
 * general version, so results are bit-identical.
 */
function separableFilterFast(
  src: NumericArray,
  h: number,
  w: number,
  c: number,
  kx: ArrayLike<number>,
  ky: ArrayLike<number>,
  border: Exclude<Border, 'constant'>
): Float64Array {
  const KX = Float64Array.from(kx);
  const KY = Float64Array.from(ky);
  const rx = (KX.length - 1) >> 1;
  const ry = (KY.length - 1) >> 1;
  const xs = paddedIndices(w, rx, KX.length - 1 - rx, border);
  const ys = paddedIndices(h, ry, KY.length - 1 - ry, border);
  const stride = w * c;
  const tmp = scratchFloat64('separable.tmp', h * stride);
  const row = scratchFloat64('separable.row', (w + KX.length - 1) * c);
  for (let y = 0; y < h; y++) {
    const base = y * stride;
    row.set(src.subarray(base, base + stride), rx * c);
    for (let i = 0; i < rx; i++) {
      for (let k = 0; k < c; k++) row[i * c + k] = src[base + xs[i] * c + k];
    }
    for (let i = rx + w; i < xs.length; i++) {
      for (let k = 0; k < c; k++) row[i * c + k] = src[base + xs[i] * c + k];
    }
    correlateRow(row, KX, tmp, base, stride, c);
  }
  const out = new Float64Array(h * stride);
  const taps = KY.length;
  const offsets = new Int32Array(taps);
  for (let y = 0; y < h; y++) {
    const o = y * stride;
    for (let t = 0; t < taps; t++) offsets[t] = ys[y + t] * stride;
    if (taps === 3) {
      const [r0, r1, r2] = [offsets[0], offsets[1], offsets[2]];
      const [k0, k1, k2] = [KY[0], KY[1], KY[2]];
      for (let i = 0; i < stride; i++) {
        out[o + i] = k0 * tmp[r0 + i] + k1 * tmp[r1 + i] + k2 * tmp[r2 + i];
      }
    } else if (taps === 5) {
      const [r0, r1, r2, r3, r4] = [offsets[0], offsets[1], offsets[2], offsets[3], offsets[4]];
      const [k0, k1, k2, k3, k4] = [KY[0], KY[1], KY[2], KY[3], KY[4]];
      for (let i = 0; i < stride; i++) {
        out[o + i] =
          k0 * tmp[r0 + i] +
          k1 * tmp[r1 + i] +
          k2 * tmp[r2 + i] +
          k3 * tmp[r3 + i] +
          k4 * tmp[r4 + i];
      }
    } else {
      // Longer kernels: running sums over groups of up to four rows per pass.
      let t = 0;
      for (; t + 4 <= taps; t += 4) {
        const [r0, r1, r2, r3] = [offsets[t], offsets[t + 1], offsets[t + 2], offsets[t + 3]];
        const [k0, k1, k2, k3] = [KY[t], KY[t + 1], KY[t + 2], KY[t + 3]];
        if (t === 0) {
          for (let i = 0; i < stride; i++) {
            out[o + i] = k0 * tmp[r0 + i] + k1 * tmp[r1 + i] + k2 * tmp[r2 + i] + k3 * tmp[r3 + i];
          }
        } else {
          for (let i = 0; i < stride; i++) {
            out[o + i] =
              out[o + i] +
              k0 * tmp[r0 + i] +
              k1 * tmp[r1 + i] +
              k2 * tmp[r2 + i] +
              k3 * tmp[r3 + i];
          }
        }
      }
      for (; t < taps; t++) {
        const r = offsets[t];
        const kt = KY[t];
        if (t === 0) for (let i = 0; i < stride; i++) out[o + i] = kt * tmp[r + i];
        else for (let i = 0; i < stride; i++) out[o + i] += kt * tmp[r + i];
      }
    }
  }
  return out;
}

/**
 * Correlates each channel with ky (vertical) ⊗ kx (horizontal), anchors at the kernel
 * centres, as cv2.sepFilter2D. Sums in float64; 'constant' borders read `value`.
 */
export function separableFilter(
  src: NumericArray,
  h: number,
  w: number,
  c: number,
  kx: ArrayLike<number>,
  ky: ArrayLike<number>,
  border: Border,
  value = 0
): Float64Array {
  if (border !== 'constant') return separableFilterFast(src, h, w, c, kx, ky, border);
  // Monomorphic copies: the loops below then see only Float64Arrays.
  const KX = Float64Array.from(kx);
  const rx = (KX.length - 1) >> 1;
  const ry = (ky.length - 1) >> 1;
  const xs = paddedIndices(w, rx, KX.length - 1 - rx, border);
  const ys = paddedIndices(h, ry, ky.length - 1 - ry, border);
  const tmp = new Float64Array(h * w * c);
  const row = new Float64Array((w + KX.length - 1) * c);
  const taps = KX.length;
  for (let y = 0; y < h; y++) {
    const base = y * w * c;
    for (let i = 0; i < xs.length; i++) {
      const sx = xs[i];
      for (let k = 0; k < c; k++) row[i * c + k] = sx < 0 ? value : src[base + sx * c + k];
    }
    if (c === 1) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let t = 0; t < taps; t++) s += KX[t] * row[x + t];
        tmp[base + x] = s;
      }
      continue;
    }
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let t = 0; t < taps; t++) s += KX[t] * row[(x + t) * c + k];
        tmp[base + x * c + k] = s;
      }
    }
  }
  const out = new Float64Array(h * w * c);
  const stride = w * c;
  // Value of a 'constant' row after the horizontal pass.
  let constRow = 0;
  for (let t = 0; t < taps; t++) constRow += KX[t] * value;
  for (let y = 0; y < h; y++) {
    const o = y * stride;
    for (let t = 0; t < ky.length; t++) {
      const sy = ys[y + t];
      const kt = ky[t];
      if (sy < 0) {
        for (let i = 0; i < stride; i++) out[o + i] += kt * constRow;
      } else {
        const r = sy * stride;
        for (let i = 0; i < stride; i++) out[o + i] += kt * tmp[r + i];
      }
    }
  }
  return out;
}

/**
 * A blur with the same kernel along both axes (reflect_101 borders), stored in the image's
 * dtype: box kernels of one-channel uint8 / uint16 images in the SIMD kernels (exact integer
 * sums), everything else through separableFilter, with the same values.
 */
export function blur(
  data: DataDict,
  src: NumericArray,
  h: number,
  w: number,
  c: number,
  kernel: ArrayLike<number>
): DataDict {
  const gray = kernelPixels(src, c);
  const box = boxWeights(kernel);
  const out = gray && box && separableSimd(gray, h, w, box);
  if (out) {
    return withImage(data, {
      ...data.image.array,
      data: out,
      shape: data.image.array.shape.slice()
    });
  }
  return storeFiltered(data, separableFilter(src, h, w, c, kernel, kernel, 'reflect_101'));
}

/** One source row as a padded float64 row (c interleaved channels), borders by index. */
export function padRow(
  src: NumericArray,
  y: number,
  w: number,
  c: number,
  xs: Int32Array,
  rx: number,
  row: Float64Array
): void {
  const base = y * w * c;
  row.set(src.subarray(base, base + w * c), rx * c);
  for (let i = 0; i < xs.length; i++) {
    if (i === rx) i = rx + w;
    if (i >= xs.length) break;
    for (let k = 0; k < c; k++) row[i * c + k] = src[base + xs[i] * c + k];
  }
}

/**
 * filter2D for the reflecting and replicating borders: every source row is padded once (as
 * float64), and each non-zero tap adds a shifted padded row to the output row.
 */
function filter2DFast(
  src: NumericArray,
  h: number,
  w: number,
  c: number,
  kernel: ArrayLike<number>,
  kh: number,
  kw: number,
  border: Exclude<Border, 'constant'>
): Float64Array {
  const ry = (kh - 1) >> 1;
  const rx = (kw - 1) >> 1;
  const xs = paddedIndices(w, rx, kw - 1 - rx, border);
  const ys = paddedIndices(h, ry, kh - 1 - ry, border);
  const stride = w * c;
  const width = xs.length * c;
  const padded = scratchFloat64('filter2D.padded', h * width);
  for (let y = 0; y < h; y++)
    padRow(src, y, w, c, xs, rx, padded.subarray(y * width, (y + 1) * width));
  const out = new Float64Array(h * stride);
  if (kh === 3 && kw === 3) {
    // All nine taps in one pass per output row (a zero tap adds an exact zero).
    const K = Float64Array.from(kernel);
    const [k0, k1, k2, k3, k4, k5, k6, k7, k8] = K;
    const c2 = 2 * c;
    for (let y = 0; y < h; y++) {
      const o = y * stride;
      const a = ys[y] * width;
      const b = ys[y + 1] * width;
      const d = ys[y + 2] * width;
      for (let i = 0; i < stride; i++) {
        out[o + i] =
          k0 * padded[a + i] +
          k1 * padded[a + i + c] +
          k2 * padded[a + i + c2] +
          k3 * padded[b + i] +
          k4 * padded[b + i + c] +
          k5 * padded[b + i + c2] +
          k6 * padded[d + i] +
          k7 * padded[d + i + c] +
          k8 * padded[d + i + c2];
      }
    }
    return out;
  }
  for (let y = 0; y < h; y++) {
    const o = y * stride;
    for (let ty = 0; ty < kh; ty++) {
      const r = ys[y + ty] * width;
      for (let tx = 0; tx < kw; tx++) {
        const kv = kernel[ty * kw + tx];
        if (kv === 0) continue;
        const q = r + tx * c;
        for (let i = 0; i < stride; i++) out[o + i] += kv * padded[q + i];
      }
    }
  }
  return out;
}

/** General 2D correlation (cv2.filter2D) with a kh×kw kernel, anchor at its centre. */
export function filter2D(
  src: NumericArray,
  h: number,
  w: number,
  c: number,
  kernel: ArrayLike<number>,
  kh: number,
  kw: number,
  border: Border
): Float64Array {
  const ry = (kh - 1) >> 1;
  const rx = (kw - 1) >> 1;
  if (border !== 'constant') return filter2DFast(src, h, w, c, kernel, kh, kw, border);
  const xs = paddedIndices(w, rx, kw - 1 - rx, border);
  const ys = paddedIndices(h, ry, kh - 1 - ry, border);
  const out = new Float64Array(h * w * c);
  for (let ty = 0; ty < kh; ty++) {
    for (let tx = 0; tx < kw; tx++) {
      const kv = kernel[ty * kw + tx];
      if (kv === 0) continue;
      for (let y = 0; y < h; y++) {
        const sy = ys[y + ty];
        if (sy < 0) continue;
        const o = y * w * c;
        const r = sy * w * c;
        for (let x = 0; x < w; x++) {
          const sx = xs[x + tx];
          if (sx < 0) continue;
          for (let k = 0; k < c; k++) out[o + x * c + k] += kv * src[r + sx * c + k];
        }
      }
    }
  }
  return out;
}

/** Runs [x0, x1) of a binary mask's rows, with the row offsets (dy) that share each run. */
function maskRuns(mask: Uint8Array, kh: number, kw: number): MaskRun[] {
  const ry = (kh - 1) >> 1;
  const runs: MaskRun[] = [];
  for (let ty = 0; ty < kh; ty++) {
    let x0 = -1;
    let x1 = -1;
    for (let tx = 0; tx < kw; tx++) {
      if (!mask[ty * kw + tx]) continue;
      if (x0 < 0) x0 = tx;
      if (x1 >= 0 && x1 !== tx) throw new Error('morphology: kernel rows must be contiguous');
      x1 = tx + 1;
    }
    if (x0 < 0) continue;
    const same = runs.find(r => r.x0 === x0 && r.x1 === x1);
    if (same) same.dys.push(ty - ry);
    else runs.push({ x0, x1, dys: [ty - ry] });
  }
  return runs;
}

/** rowMinMax for one channel: the interior (window inside the row) without clipping. */
function rowMinMaxGray<T extends NumericArray>(
  a: T,
  out: T,
  h: number,
  w: number,
  d0: number,
  d1: number,
  isMin: boolean
): void {
  const x0 = Math.max(0, -d0); // first x whose window starts inside the row
  const x1 = Math.min(w, w - d1); // first x whose window ends outside it
  const len = d1 - d0 + 1;
  for (let y = 0; y < h; y++) {
    const base = y * w;
    for (let x = 0; x < w; x++) {
      if (x === x0 && x1 > x0) {
        // Interior: the whole window lies in the row.
        let i = base + x0 + d0;
        const end = base + x1;
        if (isMin) {
          for (let o = base + x0; o < end; o++, i++) {
            let m = a[i];
            for (let t = 1; t < len; t++) {
              const v = a[i + t];
              if (v < m) m = v;
            }
            out[o] = m;
          }
        } else {
          for (let o = base + x0; o < end; o++, i++) {
            let m = a[i];
            for (let t = 1; t < len; t++) {
              const v = a[i + t];
              if (v > m) m = v;
            }
            out[o] = m;
          }
        }
        x = x1 - 1;
        continue;
      }
      const s0 = base + (x + d0 < 0 ? 0 : x + d0);
      const s1 = base + (x + d1 > w - 1 ? w - 1 : x + d1);
      let m = a[s0];
      for (let sx = s0 + 1; sx <= s1; sx++) {
        const v = a[sx];
        if (isMin ? v < m : v > m) m = v;
      }
      out[base + x] = m;
    }
  }
}

/** Min (or max) of each channel over columns [x + d0, x + d1] clipped to the row. */
function rowMinMax<T extends NumericArray>(
  a: T,
  out: T,
  h: number,
  w: number,
  c: number,
  d0: number,
  d1: number,
  isMin: boolean
): void {
  const stride = w * c;
  if (c === 1 && d1 - d0 < w) {
    rowMinMaxGray(a, out, h, w, d0, d1, isMin);
    return;
  }
  for (let y = 0; y < h; y++) {
    const base = y * stride;
    for (let k = 0; k < c; k++) {
      for (let x = 0; x < w; x++) {
        const s0 = x + d0 < 0 ? 0 : x + d0;
        const s1 = x + d1 > w - 1 ? w - 1 : x + d1;
        let m = a[base + s0 * c + k];
        if (isMin) {
          for (let sx = s0 + 1; sx <= s1; sx++) {
            const v = a[base + sx * c + k];
            if (v < m) m = v;
          }
        } else {
          for (let sx = s0 + 1; sx <= s1; sx++) {
            const v = a[base + sx * c + k];
            if (v > m) m = v;
          }
        }
        out[base + x * c + k] = m;
      }
    }
  }
}

/**
 * out[o … o+len) = min (or max) of rows[offsets[j] …] for j < count, and of out itself when
 * `accumulate` (a row already holding another run's result).
 */
function combineRows<T extends NumericArray>(
  rows: T,
  offsets: Int32Array,
  count: number,
  out: T,
  o: number,
  len: number,
  accumulate: boolean,
  isMin: boolean
): void {
  if (!accumulate && count === 3) {
    // The common 3-row case (3×3 kernels, and inner rows of bigger ones) fused in one pass.
    const [r0, r1, r2] = [offsets[0], offsets[1], offsets[2]];
    for (let i = 0; i < len; i++) {
      let m = rows[r0 + i];
      const b = rows[r1 + i];
      const c = rows[r2 + i];
      if (isMin) {
        if (b < m) m = b;
        if (c < m) m = c;
      } else {
        if (b > m) m = b;
        if (c > m) m = c;
      }
      out[o + i] = m;
    }
    return;
  }
  let first = 0;
  if (!accumulate) {
    out.set(rows.subarray(offsets[0], offsets[0] + len), o);
    first = 1;
  }
  for (let j = first; j < count; j++) {
    const r = offsets[j];
    if (isMin) {
      for (let i = 0; i < len; i++) {
        const v = rows[r + i];
        if (v < out[o + i]) out[o + i] = v;
      }
    } else {
      for (let i = 0; i < len; i++) {
        const v = rows[r + i];
        if (v > out[o + i]) out[o + i] = v;
      }
    }
  }
}

/**
 * Erosion (min) or dilation (max) of each channel with a binary kernel (kh×kw mask, anchor at
 * the centre), in the input's own element type (min and max only pick existing values, so
 * nothing needs rounding). Pixels outside the image never take part, as with OpenCV's default
 * border for morphology. Each distinct run of the mask's rows costs one horizontal pass; the
 * rows then combine by whole-row min/max.
 */
export function minMaxFilter<T extends NumericArray>(
  src: T,
  h: number,
  w: number,
  c: number,
  mask: Uint8Array,
  kh: number,
  kw: number,
  op: 'min' | 'max'
): T {
  const rx = (kw - 1) >> 1;
  const n = h * w * c;
  const stride = w * c;
  const isMin = op === 'min';
  const make = () => new (src.constructor as new (n: number) => T)(n);
  const out = make();
  const filled = new Uint8Array(h); // rows of `out` holding a first contribution
  const scratch = make();
  const offsets = new Int32Array(kh);
  for (const run of maskRuns(mask, kh, kw)) {
    // A one-pixel run at the centre column (ellipse tips, cross arms) is the image itself.
    const identity = run.x0 === rx && run.x1 === rx + 1;
    const row = identity ? src : scratch;
    if (!identity) rowMinMax(src, row, h, w, c, run.x0 - rx, run.x1 - 1 - rx, isMin);
    for (let y = 0; y < h; y++) {
      // The rows of this run that fall inside the image, combined in one pass per output row.
      let count = 0;
      for (const dy of run.dys) if (y + dy >= 0 && y + dy < h) offsets[count++] = (y + dy) * stride;
      if (count === 0) continue;
      combineRows(row, offsets, count, out, y * stride, stride, filled[y] === 1, isMin);
      filled[y] = 1;
    }
  }
  if (filled.indexOf(0) >= 0) throw new Error('morphology: the kernel must contain its centre row');
  return out;
}

/**
 * src after each of `ops` in turn (erosion = min, dilation = max) with the kh×kw binary kernel:
 * one-channel uint8 / uint16 images in the WebAssembly SIMD kernels, everything else (and
 * every image when those are not loaded) through minMaxFilter, with the same values.
 */
export function minMaxChain<T extends NumericArray>(
  src: T,
  h: number,
  w: number,
  c: number,
  mask: Uint8Array,
  kh: number,
  kw: number,
  ops: ('min' | 'max')[]
): T {
  const gray = kernelPixels(src, c);
  if (gray) {
    const out = minMaxChainSimd(gray, h, w, maskRuns(mask, kh, kw), kw, ops);
    if (out) return out as T;
  }
  let cur = src;
  for (const op of ops) cur = minMaxFilter(cur, h, w, c, mask, kh, kw, op);
  return cur;
}

/**
 * Derivative kernel of the given order and aperture, as cv2.getDerivKernels /
 * getSobelKernels (aperture 1 means the 3-tap kernel without smoothing).
 */
export function sobelKernel(order: number, aperture: number): Float64Array {
  if (aperture === 1) {
    return Float64Array.from(
      [
        [0, 1, 0],
        [-1, 0, 1],
        [1, -2, 1]
      ][order]
    );
  }
  const k = new Float64Array(aperture + 1);
  k[0] = 1;
  for (let i = 0; i < aperture - order - 1; i++) {
    let old = k[0];
    for (let j = 1; j <= aperture; j++) {
      const next = k[j] + k[j - 1];
      k[j - 1] = old;
      old = next;
    }
  }
  for (let i = 0; i < order; i++) {
    let old = -k[0];
    for (let j = 1; j <= aperture; j++) {
      const next = k[j - 1] - k[j];
      k[j - 1] = old;
      old = next;
    }
  }
  return k.subarray(0, aperture);
}
