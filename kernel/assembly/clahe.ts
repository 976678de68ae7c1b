/**
 * CLAHE (cv2.createCLAHE().apply) of one-channel u8 / u16 images, step for step as
 * kernel/src/engine/modules/histogram_equalization.ts computes it: per tile a histogram of the
 * image extended by reflect_101, clipped at `clip` with the excess spread evenly, its
 * cumulative counts scaled in float32 into a table; then each pixel blends the tables of its
 * four nearest tiles bilinearly in float32. WebAssembly's f32 arithmetic rounds each product
 * and sum to float32 exactly as the engine's Math.fround chain does, so the values are the same.
 */
import { reflect101 } from './borders';
import { lanesOf, load4, vmax } from './lanes';

/** The largest of n values of T at src. */
function maxOf<T>(src: usize, n: i32): i32 {
  const size = <usize>sizeof<T>();
  let m = i32x4.splat(0);
  let i = 0;
  for (; i + lanesOf<T>() <= n; i += lanesOf<T>()) m = vmax<T>(m, v128.load(src + <usize>i * size));
  // Fold the upper half of the lanes onto the lower half until one lane is left.
  m = vmax<T>(m, i8x16.shuffle(m, m, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
  m = vmax<T>(m, i8x16.shuffle(m, m, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3));
  m = vmax<T>(m, i8x16.shuffle(m, m, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1));
  let best: i32;
  if (sizeof<T>() == 1) {
    m = vmax<T>(m, i8x16.shuffle(m, m, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0));
    best = <i32>i8x16.extract_lane_u(m, 0);
  } else {
    best = <i32>i16x8.extract_lane_u(m, 0);
  }
  for (; i < n; i++) best = max(best, <i32>load<T>(src + <usize>i * size));
  return best;
}

/**
 * One tile's table from its histogram `hist` (bins u32, zero again on return): the clipped
 * counts plus `batch` per bin plus one more at bins 0, step, 2·step, … for `residual` bins,
 * summed in i32 lanes, times lutScale in float32, rounded half to even, capped at bins − 1.
 */
function tileTable<L>(
  hist: usize,
  lut: usize,
  bins: i32,
  batch: i32,
  residual: i32,
  step: i32,
  lutScale: f32,
  used: i32
): void {
  for (let k = 0; k < residual && k * step < used; k++) {
    const at = hist + ((<usize>(k * step)) << 2);
    store<u32>(at, load<u32>(at) + 1);
  }
  const extra = i32x4.splat(batch);
  const scale = f32x4.splat(lutScale);
  const top = f32x4.splat(<f32>(bins - 1));
  const zero = i32x4.splat(0);
  let carry = i32x4.splat(0);
  for (let i = 0; i < used; i += 4) {
    const at = hist + ((<usize>i) << 2);
    // Prefix sums within the four lanes, then the total so far.
    let x = i32x4.add(v128.load(at), extra);
    x = i32x4.add(
      x,
      i8x16.shuffle(zero, x, 0, 1, 2, 3, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27)
    );
    x = i32x4.add(
      x,
      i8x16.shuffle(zero, x, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)
    );
    x = i32x4.add(x, carry);
    // Lane 3 broadcast by one shuffle: the carry is the loop's dependency chain, and an
    // extract + splat would triple its latency.
    carry = i8x16.shuffle(x, x, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15);
    v128.store(at, zero);
    // Counts stay below 2^24, so their float32 values are exact.
    const v = f32x4.min(f32x4.nearest(f32x4.mul(f32x4.convert_i32x4_s(x), scale)), top);
    if (sizeof<L>() == 4) v128.store(lut + ((<usize>i) << 2), v);
    else {
      const halves = i16x8.narrow_i32x4_u(i32x4.trunc_sat_f32x4_u(v), zero);
      v128.store64_lane(lut + ((<usize>i) << 1), halves, 0);
    }
  }
}

/**
 * The tables of all tilesY × tilesX tiles (th × tw pixels each, over the image extended to
 * a multiple of the grid) into `luts` (bins values of T per tile). `hist` is bins u32 of
 * scratch, zero on entry; `columns` the source column of each extended column (i32).
 */
function tablesOf<T, L>(
  src: usize,
  h: i32,
  w: i32,
  bins: i32,
  tilesY: i32,
  tilesX: i32,
  th: i32,
  tw: i32,
  clip: i32,
  lutScale: f32,
  luts: usize,
  hist: usize,
  columns: usize
): void {
  const size = <usize>sizeof<T>();
  // Table entries above the image's largest value are never read: 12-bit CT in 16-bit
  // pixels needs the first 4096 of 65536.
  const used = min((maxOf<T>(src, h * w) + 4) & ~3, bins);
  for (let ty = 0; ty < tilesY; ty++) {
    for (let tx = 0; tx < tilesX; tx++) {
      const x0 = tx * tw;
      for (let y = ty * th; y < (ty + 1) * th; y++) {
        const row = src + <usize>(reflect101(y, h) * w) * size;
        for (let x = x0; x < x0 + tw; x++) {
          const v = <usize>load<T>(row + <usize>load<i32>(columns + ((<usize>x) << 2)) * size);
          const at = hist + (v << 2);
          store<u32>(at, load<u32>(at) + 1);
        }
      }
      let batch = 0;
      let residual = 0;
      let step = 1;
      if (clip > 0) {
        // The tile's pixels again rather than every bin: 65536 bins outnumber a tile's pixels.
        let clipped = 0;
        for (let y = ty * th; y < (ty + 1) * th; y++) {
          const row = src + <usize>(reflect101(y, h) * w) * size;
          for (let x = x0; x < x0 + tw; x++) {
            const v = <usize>load<T>(row + <usize>load<i32>(columns + ((<usize>x) << 2)) * size);
            const at = hist + (v << 2);
            const n = <i32>load<u32>(at);
            if (n > clip) {
              clipped += n - clip;
              store<u32>(at, clip);
            }
          }
        }
        batch = clipped / bins;
        residual = clipped - batch * bins;
        if (residual != 0) step = max(bins / residual, 1);
      }
      const lut = luts + <usize>((ty * tilesX + tx) * bins) * sizeof<L>();
      tileTable<L>(hist, lut, bins, batch, residual, step, lutScale, used);
    }
  }
}

/** Four table entries (at base + index·sizeof<L>() for the four i32 lanes of at) as f32 lanes. */
function gather<L>(base: usize, at: v128): v128 {
  const i0 = base + <usize>i32x4.extract_lane(at, 0) * sizeof<L>();
  const i1 = base + <usize>i32x4.extract_lane(at, 1) * sizeof<L>();
  const i2 = base + <usize>i32x4.extract_lane(at, 2) * sizeof<L>();
  const i3 = base + <usize>i32x4.extract_lane(at, 3) * sizeof<L>();
  if (sizeof<L>() == 4) {
    let v = f32x4.splat(load<f32>(i0));
    v = f32x4.replace_lane(v, 1, load<f32>(i1));
    v = f32x4.replace_lane(v, 2, load<f32>(i2));
    return f32x4.replace_lane(v, 3, load<f32>(i3));
  }
  let v = i32x4.splat(<i32>load<u16>(i0));
  v = i32x4.replace_lane(v, 1, <i32>load<u16>(i1));
  v = i32x4.replace_lane(v, 2, <i32>load<u16>(i2));
  return f32x4.convert_i32x4_u(i32x4.replace_lane(v, 3, <i32>load<u16>(i3)));
}

/** One table entry as f32 (float32 tables are read as they are: converting costs more). */
function entry<L>(p: usize): f32 {
  return sizeof<L>() == 4 ? load<f32>(p) : <f32>load<u16>(p);
}

/**
 * Each pixel from the tables (entries of L: f32 for u8 images, u16 for u16 ones) of its four
 * nearest tiles: per column the tables' offsets (`left`, `right`: i32, tile × bins) and
 * weights (`wx`, `wx1`: f32, on the right and left table), per row likewise from invTh, in
 * float32; four pixels per step, their table entries gathered into lanes.
 */
function blendOf<T, L>(
  src: usize,
  dst: usize,
  h: i32,
  w: i32,
  bins: i32,
  tilesY: i32,
  tilesX: i32,
  invTh: f32,
  luts: usize,
  left: usize,
  right: usize,
  wx: usize,
  wx1: usize
): void {
  const size = <usize>sizeof<T>();
  const entrySize = <usize>sizeof<L>();
  const top = <f32>(bins - 1);
  const topLanes = f32x4.splat(top);
  for (let y = 0; y < h; y++) {
    const tyf: f32 = <f32>y * invTh - 0.5;
    const ty1 = <i32>Mathf.floor(tyf);
    const ya: f32 = tyf - <f32>ty1;
    const ya1: f32 = 1 - ya;
    const yaLanes = f32x4.splat(ya);
    const ya1Lanes = f32x4.splat(ya1);
    const p1 = luts + <usize>(max(ty1, 0) * tilesX * bins) * entrySize;
    const p2 = luts + <usize>(min(ty1 + 1, tilesY - 1) * tilesX * bins) * entrySize;
    const row = src + <usize>(y * w) * size;
    const out = dst + <usize>(y * w) * size;
    let x = 0;
    for (; x + 4 <= w; x += 4) {
      const v = load4<T>(row + <usize>x * size);
      const i1 = i32x4.add(v128.load(left + ((<usize>x) << 2)), v);
      const i2 = i32x4.add(v128.load(right + ((<usize>x) << 2)), v);
      const xa = v128.load(wx + ((<usize>x) << 2));
      const xa1 = v128.load(wx1 + ((<usize>x) << 2));
      const a = f32x4.add(f32x4.mul(gather<L>(p1, i1), xa1), f32x4.mul(gather<L>(p1, i2), xa));
      const b = f32x4.add(f32x4.mul(gather<L>(p2, i1), xa1), f32x4.mul(gather<L>(p2, i2), xa));
      const r = f32x4.add(f32x4.mul(a, ya1Lanes), f32x4.mul(b, yaLanes));
      const q = i32x4.trunc_sat_f32x4_u(f32x4.min(f32x4.nearest(r), topLanes));
      const halves = i16x8.narrow_i32x4_u(q, q);
      if (sizeof<T>() == 1)
        v128.store32_lane(out + <usize>x, i8x16.narrow_i16x8_u(halves, halves), 0);
      else v128.store64_lane(out + ((<usize>x) << 1), halves, 0);
    }
    for (; x < w; x++) {
      const v = <usize>load<T>(row + <usize>x * size);
      const i1 = (<usize>load<i32>(left + ((<usize>x) << 2)) + v) * entrySize;
      const i2 = (<usize>load<i32>(right + ((<usize>x) << 2)) + v) * entrySize;
      const xa: f32 = load<f32>(wx + ((<usize>x) << 2));
      const xa1: f32 = load<f32>(wx1 + ((<usize>x) << 2));
      const a: f32 = entry<L>(p1 + i1) * xa1 + entry<L>(p1 + i2) * xa;
      const b: f32 = entry<L>(p2 + i1) * xa1 + entry<L>(p2 + i2) * xa;
      const r = min(nearest<f32>(a * ya1 + b * ya), top);
      store<T>(out + <usize>x * size, <T>(<i32>r));
    }
  }
}

/** tablesOf for u8 (size 1) or u16 (size 2) values. */
export function claheTables(
  size: i32,
  src: usize,
  h: i32,
  w: i32,
  bins: i32,
  tilesY: i32,
  tilesX: i32,
  th: i32,
  tw: i32,
  clip: i32,
  lutScale: f32,
  luts: usize,
  hist: usize,
  columns: usize
): void {
  if (size == 1) {
    tablesOf<u8, f32>(src, h, w, bins, tilesY, tilesX, th, tw, clip, lutScale, luts, hist, columns);
  } else {
    tablesOf<u16, u16>(
      src,
      h,
      w,
      bins,
      tilesY,
      tilesX,
      th,
      tw,
      clip,
      lutScale,
      luts,
      hist,
      columns
    );
  }
}

/** blendOf for u8 (size 1) or u16 (size 2) values. */
export function claheBlend(
  size: i32,
  src: usize,
  dst: usize,
  h: i32,
  w: i32,
  bins: i32,
  tilesY: i32,
  tilesX: i32,
  invTh: f32,
  luts: usize,
  left: usize,
  right: usize,
  wx: usize,
  wx1: usize
): void {
  if (size == 1) {
    blendOf<u8, f32>(src, dst, h, w, bins, tilesY, tilesX, invTh, luts, left, right, wx, wx1);
  } else {
    blendOf<u16, u16>(src, dst, h, w, bins, tilesY, tilesX, invTh, luts, left, right, wx, wx1);
  }
}
