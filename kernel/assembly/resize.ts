/**
 * Resizing one-channel u8 / u16 images by per-axis taps that the engine computes
 * (kernel/src/engine/modules/resize.ts): nearest neighbour (one source index per output row
 * and column) and two-tap interpolation (bilinear, and area when enlarging), in float64 with
 * the module's own expression, rounded half to even and saturated as its storeValues does.
 */
import { step } from './lanes';

/** dst[y][x] = src[ys[y]][xs[x]] (ys, xs: i32). */
function resizeNearestOf<T>(
  src: usize,
  dst: usize,
  w: i32,
  H: i32,
  W: i32,
  ys: usize,
  xs: usize
): void {
  const size = <usize>sizeof<T>();
  for (let y = 0; y < H; y++) {
    const row = src + <usize>(load<i32>(ys + ((<usize>y) << 2)) * w) * size;
    const out = dst + <usize>(y * W) * size;
    for (let x = 0; x < W; x++) {
      store<T>(
        out + <usize>x * size,
        load<T>(row + <usize>load<i32>(xs + ((<usize>x) << 2)) * size)
      );
    }
  }
}

/**
 * Two taps per axis: rows y0s[y], y1s[y] with weight fys[y] on the second, columns likewise
 * (indices i32, weights f64): top·(1 − fy) + bottom·fy of the rows' top and bottom values.
 */
function resizeTwoTapOf<T>(
  src: usize,
  dst: usize,
  w: i32,
  H: i32,
  W: i32,
  y0s: usize,
  y1s: usize,
  fys: usize,
  x0s: usize,
  x1s: usize,
  fxs: usize
): void {
  const size = <usize>sizeof<T>();
  const max: f64 = sizeof<T>() == 1 ? 255 : 65535;
  for (let y = 0; y < H; y++) {
    const r0 = src + <usize>(load<i32>(y0s + ((<usize>y) << 2)) * w) * size;
    const r1 = src + <usize>(load<i32>(y1s + ((<usize>y) << 2)) * w) * size;
    const fy = load<f64>(fys + ((<usize>y) << 3));
    const out = dst + <usize>(y * W) * size;
    for (let x = 0; x < W; x++) {
      const x0 = <usize>load<i32>(x0s + ((<usize>x) << 2)) * size;
      const x1 = <usize>load<i32>(x1s + ((<usize>x) << 2)) * size;
      const fx = load<f64>(fxs + ((<usize>x) << 3));
      const top = <f64>load<T>(r0 + x0) * (1 - fx) + <f64>load<T>(r0 + x1) * fx;
      const bottom = <f64>load<T>(r1 + x0) * (1 - fx) + <f64>load<T>(r1 + x1) * fx;
      const v = nearest(top * (1 - fy) + bottom * fy);
      store<T>(out + <usize>x * size, <T>(<i32>(v < 0 ? 0 : v > max ? max : v)));
    }
  }
}

/** resizeNearest for u8 (size 1) or u16 (size 2) values. */
export function resizeNearest(
  size: i32,
  src: usize,
  dst: usize,
  w: i32,
  H: i32,
  W: i32,
  ys: usize,
  xs: usize
): void {
  if (size == 1) resizeNearestOf<u8>(src, dst, w, H, W, ys, xs);
  else resizeNearestOf<u16>(src, dst, w, H, W, ys, xs);
}

/** resizeTwoTap for u8 (size 1) or u16 (size 2) values. */
export function resizeTwoTap(
  size: i32,
  src: usize,
  dst: usize,
  w: i32,
  H: i32,
  W: i32,
  y0s: usize,
  y1s: usize,
  fys: usize,
  x0s: usize,
  x1s: usize,
  fxs: usize
): void {
  if (size == 1) resizeTwoTapOf<u8>(src, dst, w, H, W, y0s, y1s, fys, x0s, x1s, fxs);
  else resizeTwoTapOf<u16>(src, dst, w, H, W, y0s, y1s, fys, x0s, x1s, fxs);
}

/**
 * Exact halving (H = h / 2, W = w / 2), which two-tap bilinear resizing turns into the mean
 * of each 2×2 block: (a + b + c + d) / 4 rounded half to even, as the float path computes it,
 * 8 (u16) or 16 (u8) source pixels per row and step. W must be at least one half vector.
 */
function halveOf<T>(src: usize, dst: usize, w: i32, H: i32, W: i32): void {
  const size = <usize>sizeof<T>();
  const half = sizeof<T>() == 1 ? 8 : 4; // output values per step
  for (let y = 0; y < H; y++) {
    const r0 = src + <usize>(2 * y * w) * size;
    const r1 = r0 + <usize>w * size;
    const out = dst + <usize>(y * W) * size;
    for (let i = 0; i < W; i += half) {
      const x = <usize>step(i, W, half);
      const at = 2 * x * size;
      if (sizeof<T>() == 1) {
        const s = i16x8.add(
          i16x8.extadd_pairwise_i8x16_u(v128.load(r0 + at)),
          i16x8.extadd_pairwise_i8x16_u(v128.load(r1 + at))
        );
        const odd = v128.and(i16x8.shr_u(s, 2), i16x8.splat(1));
        const q = i16x8.shr_u(i16x8.add(s, i16x8.add(i16x8.splat(1), odd)), 2);
        v128.store64_lane(out + x, i8x16.narrow_i16x8_u(q, q), 0);
      } else {
        const s = i32x4.add(
          i32x4.extadd_pairwise_i16x8_u(v128.load(r0 + at)),
          i32x4.extadd_pairwise_i16x8_u(v128.load(r1 + at))
        );
        const odd = v128.and(i32x4.shr_u(s, 2), i32x4.splat(1));
        const q = i32x4.shr_u(i32x4.add(s, i32x4.add(i32x4.splat(1), odd)), 2);
        v128.store64_lane(out + x * size, i16x8.narrow_i32x4_u(q, q), 0);
      }
    }
  }
}

/** halveOf for u8 (size 1) or u16 (size 2) values. */
export function halve(size: i32, src: usize, dst: usize, w: i32, H: i32, W: i32): void {
  if (size == 1) halveOf<u8>(src, dst, w, H, W);
  else halveOf<u16>(src, dst, w, H, W);
}

/**
 * Shrinking with area weights (cv2 INTER_AREA), separably as resize.ts's areaDown: each
 * source row reduced to the output width (Σ wx · src, in float64, taps in order), then
 * output rows summed from those with the vertical weights (two float64 lanes), rounded half
 * to even and saturated. Taps per output coordinate d are starts[d] … starts[d + 1] of the
 * index (i32) and weight (f64) lists. `rows`: h · W f64; `line`: W f64.
 */
function areaDownOf<T>(
  src: usize,
  dst: usize,
  rows: usize,
  line: usize,
  h: i32,
  w: i32,
  H: i32,
  W: i32,
  xStarts: usize,
  xIndex: usize,
  xWeight: usize,
  yStarts: usize,
  yIndex: usize,
  yWeight: usize
): void {
  const size = <usize>sizeof<T>();
  const max: f64 = sizeof<T>() == 1 ? 255 : 65535;
  for (let r = 0; r < h; r++) {
    const row = src + <usize>(r * w) * size;
    const out = rows + ((<usize>(r * W)) << 3);
    for (let x = 0; x < W; x++) {
      let acc: f64 = 0;
      const end = load<i32>(xStarts + ((<usize>(x + 1)) << 2));
      for (let t = load<i32>(xStarts + ((<usize>x) << 2)); t < end; t++) {
        const v = <f64>load<T>(row + <usize>load<i32>(xIndex + ((<usize>t) << 2)) * size);
        acc += load<f64>(xWeight + ((<usize>t) << 3)) * v;
      }
      store<f64>(out + ((<usize>x) << 3), acc);
    }
  }
  for (let y = 0; y < H; y++) {
    memory.fill(line, 0, (<usize>W) << 3);
    const end = load<i32>(yStarts + ((<usize>(y + 1)) << 2));
    for (let t = load<i32>(yStarts + ((<usize>y) << 2)); t < end; t++) {
      const from = rows + ((<usize>(load<i32>(yIndex + ((<usize>t) << 2)) * W)) << 3);
      const wt = load<f64>(yWeight + ((<usize>t) << 3));
      const wv = f64x2.splat(wt);
      let x = 0;
      for (; x + 2 <= W; x += 2) {
        const at = (<usize>x) << 3;
        v128.store(line + at, f64x2.add(v128.load(line + at), f64x2.mul(wv, v128.load(from + at))));
      }
      for (; x < W; x++) {
        const at = (<usize>x) << 3;
        store<f64>(line + at, load<f64>(line + at) + wt * load<f64>(from + at));
      }
    }
    const out = dst + <usize>(y * W) * size;
    for (let x = 0; x < W; x++) {
      const v = nearest(load<f64>(line + ((<usize>x) << 3)));
      store<T>(out + <usize>x * size, <T>(<i32>(v < 0 ? 0 : v > max ? max : v)));
    }
  }
}

/** areaDownOf for u8 (size 1) or u16 (size 2) values. */
export function areaDown(
  size: i32,
  src: usize,
  dst: usize,
  rows: usize,
  line: usize,
  h: i32,
  w: i32,
  H: i32,
  W: i32,
  xStarts: usize,
  xIndex: usize,
  xWeight: usize,
  yStarts: usize,
  yIndex: usize,
  yWeight: usize
): void {
  if (size == 1)
    areaDownOf<u8>(
      src,
      dst,
      rows,
      line,
      h,
      w,
      H,
      W,
      xStarts,
      xIndex,
      xWeight,
      yStarts,
      yIndex,
      yWeight
    );
  else
    areaDownOf<u16>(
      src,
      dst,
      rows,
      line,
      h,
      w,
      H,
      W,
      xStarts,
      xIndex,
      xWeight,
      yStarts,
      yIndex,
      yWeight
    );
}
