/**
 * Resizing one-channel u8 / u16 images by per-axis taps that the engine computes
 * (kernel/src/engine/modules/resize.ts): nearest neighbour (one source index per output row
 * and column) and two-tap interpolation (bilinear, and area when enlarging), in float64 with
 * the module's own expression, rounded half to even and saturated as its storeValues does.
 */
import { lanesOf, step } from './lanes';

/** dst[y][x] = src[ys[y]][xs[x]] (ys, xs: i32), one vector of outputs a step, gathered lane by lane. */
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
  const lanes = lanesOf<T>();
  for (let y = 0; y < H; y++) {
    const row = src + <usize>(load<i32>(ys + ((<usize>y) << 2)) * w) * size;
    const out = dst + <usize>(y * W) * size;
    let i = 0;
    for (; W >= lanes && i < W; i += lanes) {
      const x = <usize>step(i, W, lanes);
      const c = xs + (x << 2);
      let v = i32x4.splat(0);
      if (sizeof<T>() == 1) {
        v = v128.load8_lane(row + <usize>load<i32>(c), v, 0);
        v = v128.load8_lane(row + <usize>load<i32>(c + 4), v, 1);
        v = v128.load8_lane(row + <usize>load<i32>(c + 8), v, 2);
        v = v128.load8_lane(row + <usize>load<i32>(c + 12), v, 3);
        v = v128.load8_lane(row + <usize>load<i32>(c + 16), v, 4);
        v = v128.load8_lane(row + <usize>load<i32>(c + 20), v, 5);
        v = v128.load8_lane(row + <usize>load<i32>(c + 24), v, 6);
        v = v128.load8_lane(row + <usize>load<i32>(c + 28), v, 7);
        v = v128.load8_lane(row + <usize>load<i32>(c + 32), v, 8);
        v = v128.load8_lane(row + <usize>load<i32>(c + 36), v, 9);
        v = v128.load8_lane(row + <usize>load<i32>(c + 40), v, 10);
        v = v128.load8_lane(row + <usize>load<i32>(c + 44), v, 11);
        v = v128.load8_lane(row + <usize>load<i32>(c + 48), v, 12);
        v = v128.load8_lane(row + <usize>load<i32>(c + 52), v, 13);
        v = v128.load8_lane(row + <usize>load<i32>(c + 56), v, 14);
        v = v128.load8_lane(row + <usize>load<i32>(c + 60), v, 15);
      } else {
        v = v128.load16_lane(row + ((<usize>load<i32>(c)) << 1), v, 0);
        v = v128.load16_lane(row + ((<usize>load<i32>(c + 4)) << 1), v, 1);
        v = v128.load16_lane(row + ((<usize>load<i32>(c + 8)) << 1), v, 2);
        v = v128.load16_lane(row + ((<usize>load<i32>(c + 12)) << 1), v, 3);
        v = v128.load16_lane(row + ((<usize>load<i32>(c + 16)) << 1), v, 4);
        v = v128.load16_lane(row + ((<usize>load<i32>(c + 20)) << 1), v, 5);
        v = v128.load16_lane(row + ((<usize>load<i32>(c + 24)) << 1), v, 6);
        v = v128.load16_lane(row + ((<usize>load<i32>(c + 28)) << 1), v, 7);
      }
      v128.store(out + x * size, v);
    }
    // Rows narrower than one vector: one output at a time.
    for (; i < W; i++) {
      store<T>(
        out + <usize>i * size,
        load<T>(row + <usize>load<i32>(xs + ((<usize>i) << 2)) * size)
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

/** s / 4 of u32 lanes rounded half to even: (s + 1 + odd(s >> 2)) >> 2. */
function quarter32(s: v128): v128 {
  const odd = v128.and(i32x4.shr_u(s, 2), i32x4.splat(1));
  return i32x4.shr_u(i32x4.add(s, i32x4.add(i32x4.splat(1), odd)), 2);
}

/** quarter32 for u16 lanes. */
function quarter16(s: v128): v128 {
  const odd = v128.and(i16x8.shr_u(s, 2), i16x8.splat(1));
  return i16x8.shr_u(i16x8.add(s, i16x8.add(i16x8.splat(1), odd)), 2);
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
        const q = quarter16(s);
        v128.store64_lane(out + x, i8x16.narrow_i16x8_u(q, q), 0);
      } else {
        const s = i32x4.add(
          i32x4.extadd_pairwise_i16x8_u(v128.load(r0 + at)),
          i32x4.extadd_pairwise_i16x8_u(v128.load(r1 + at))
        );
        const q = quarter32(s);
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
 * Two-tap resizing whose taps are all pairs (i, i + 1) weighted one half, as bilinear
 * shrinking by an even factor gives (512 → 128: columns 4x + 1 and 4x + 2): each output is
 * the mean of a 2×2 block at rows ys[y], ys[y] + 1 and columns xs[x], xs[x] + 1, rounded half
 * to even as the float path rounds it. Each pair is one 16-bit (u8) or 32-bit (u16) load into
 * a lane; 8 (u8) or 4 (u16) outputs per step.
 */
function pairMeansOf<T>(
  src: usize,
  dst: usize,
  w: i32,
  H: i32,
  W: i32,
  ys: usize,
  xs: usize
): void {
  const size = <usize>sizeof<T>();
  const group = sizeof<T>() == 1 ? 8 : 4;
  for (let y = 0; y < H; y++) {
    const r0 = src + <usize>(load<i32>(ys + ((<usize>y) << 2)) * w) * size;
    const r1 = r0 + <usize>w * size;
    const out = dst + <usize>(y * W) * size;
    let i = 0;
    for (; W >= group && i < W; i += group) {
      const x = <usize>step(i, W, group);
      const c = xs + (x << 2);
      if (sizeof<T>() == 1) {
        let a = i16x8.splat(0);
        let b = i16x8.splat(0);
        a = v128.load16_lane(r0 + <usize>load<i32>(c), a, 0);
        b = v128.load16_lane(r1 + <usize>load<i32>(c), b, 0);
        a = v128.load16_lane(r0 + <usize>load<i32>(c + 4), a, 1);
        b = v128.load16_lane(r1 + <usize>load<i32>(c + 4), b, 1);
        a = v128.load16_lane(r0 + <usize>load<i32>(c + 8), a, 2);
        b = v128.load16_lane(r1 + <usize>load<i32>(c + 8), b, 2);
        a = v128.load16_lane(r0 + <usize>load<i32>(c + 12), a, 3);
        b = v128.load16_lane(r1 + <usize>load<i32>(c + 12), b, 3);
        a = v128.load16_lane(r0 + <usize>load<i32>(c + 16), a, 4);
        b = v128.load16_lane(r1 + <usize>load<i32>(c + 16), b, 4);
        a = v128.load16_lane(r0 + <usize>load<i32>(c + 20), a, 5);
        b = v128.load16_lane(r1 + <usize>load<i32>(c + 20), b, 5);
        a = v128.load16_lane(r0 + <usize>load<i32>(c + 24), a, 6);
        b = v128.load16_lane(r1 + <usize>load<i32>(c + 24), b, 6);
        a = v128.load16_lane(r0 + <usize>load<i32>(c + 28), a, 7);
        b = v128.load16_lane(r1 + <usize>load<i32>(c + 28), b, 7);
        const q = quarter16(
          i16x8.add(i16x8.extadd_pairwise_i8x16_u(a), i16x8.extadd_pairwise_i8x16_u(b))
        );
        v128.store64_lane(out + x, i8x16.narrow_i16x8_u(q, q), 0);
      } else {
        let a = i32x4.splat(0);
        let b = i32x4.splat(0);
        a = v128.load32_lane(r0 + ((<usize>load<i32>(c)) << 1), a, 0);
        b = v128.load32_lane(r1 + ((<usize>load<i32>(c)) << 1), b, 0);
        a = v128.load32_lane(r0 + ((<usize>load<i32>(c + 4)) << 1), a, 1);
        b = v128.load32_lane(r1 + ((<usize>load<i32>(c + 4)) << 1), b, 1);
        a = v128.load32_lane(r0 + ((<usize>load<i32>(c + 8)) << 1), a, 2);
        b = v128.load32_lane(r1 + ((<usize>load<i32>(c + 8)) << 1), b, 2);
        a = v128.load32_lane(r0 + ((<usize>load<i32>(c + 12)) << 1), a, 3);
        b = v128.load32_lane(r1 + ((<usize>load<i32>(c + 12)) << 1), b, 3);
        const q = quarter32(
          i32x4.add(i32x4.extadd_pairwise_i16x8_u(a), i32x4.extadd_pairwise_i16x8_u(b))
        );
        v128.store64_lane(out + (x << 1), i16x8.narrow_i32x4_u(q, q), 0);
      }
    }
    // Rows narrower than one step: one output at a time.
    for (; i < W; i++) {
      const x0 = <usize>load<i32>(xs + ((<usize>i) << 2)) * size;
      const s =
        <u32>load<T>(r0 + x0) +
        <u32>load<T>(r0 + x0 + size) +
        <u32>load<T>(r1 + x0) +
        <u32>load<T>(r1 + x0 + size);
      store<T>(out + <usize>i * size, <T>((s + 1 + ((s >> 2) & 1)) >> 2));
    }
  }
}

/** pairMeans for u8 (size 1) or u16 (size 2) values. */
export function pairMeans(
  size: i32,
  src: usize,
  dst: usize,
  w: i32,
  H: i32,
  W: i32,
  ys: usize,
  xs: usize
): void {
  if (size == 1) pairMeansOf<u8>(src, dst, w, H, W, ys, xs);
  else pairMeansOf<u16>(src, dst, w, H, W, ys, xs);
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
