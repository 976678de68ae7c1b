/**
 * A 3×3, stride-1 convolution of NHWC float32 tensors by Winograd's F(2×2, 3×3)
 * (kernel/src/engine/backend/wasm/winograd_conv.ts): each 2×2 block of outputs (a tile) comes
 * from the 4×4 block of inputs under it with 16 multiplications per input and output channel
 * pair instead of 36. In matrix form, per tile and channel pair,
 *   Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A,
 * where d is the 4×4 input block, g the 3×3 filter, and Bᵀ, G, Aᵀ small matrices of 0, ±1 and
 * ½. winogradFilterF32 makes U = G g Gᵀ (16 × ci × co floats) once per call; then
 *   1. input transform: V = Bᵀ d B for each tile and input channel (additions only);
 *   2. 16 matrix products, one per position ξ of the 4×4 transform:
 *      M[ξ] (tiles × co) = V[ξ] (tiles × ci) · U[ξ] (ci × co);
 *   3. output transform: Y = Aᵀ M A, plus bias, then ReLU / ReLU6 if asked, written to y.
 * ./winograd-conv.ts runs the three steps block by block; ./winograd-f4.ts has the transforms
 * of F(4×4, 3×3), which share this file's products. ci and co must be multiples of 4.
 */

/**
 * U = G g Gᵀ (16 × ci × co, ξ = 4i + j) of the 3×3 filters of a convolution from ci to co
 * channels. g: [3, 3, ci, co]; or, if turned, [3, 3, co, ci] used turned by 180° with its
 * channel axes swapped (the filter of a 'same' convolution's input gradient).
 */
export function winogradFilterF32(g: usize, u: usize, ci: i32, co: i32, turned: bool): void {
  const pairs = <usize>(ci * co);
  const rowFloats = filterRowFloats(ci, co);
  for (let c = 0; c < ci; c++) {
    for (let o = 0; o < co; o++) {
      // The nine taps, row-major.
      const at = turned ? <usize>(o * ci + c) : <usize>(c * co + o);
      const t00 = tap(g, at, pairs, 0, 0, turned);
      const t01 = tap(g, at, pairs, 0, 1, turned);
      const t02 = tap(g, at, pairs, 0, 2, turned);
      const t10 = tap(g, at, pairs, 1, 0, turned);
      const t11 = tap(g, at, pairs, 1, 1, turned);
      const t12 = tap(g, at, pairs, 1, 2, turned);
      const t20 = tap(g, at, pairs, 2, 0, turned);
      const t21 = tap(g, at, pairs, 2, 1, turned);
      const t22 = tap(g, at, pairs, 2, 2, turned);
      // P = G g (4 × 3), row by row, each row then times Gᵀ.
      const out = u + ((<usize>(c * co + o)) << 2);
      filterRow(out, rowFloats, 0, t00, t01, t02);
      filterRow(
        out,
        rowFloats,
        1,
        0.5 * (t00 + t10 + t20),
        0.5 * (t01 + t11 + t21),
        0.5 * (t02 + t12 + t22)
      );
      filterRow(
        out,
        rowFloats,
        2,
        0.5 * (t00 - t10 + t20),
        0.5 * (t01 - t11 + t21),
        0.5 * (t02 - t12 + t22)
      );
      filterRow(out, rowFloats, 3, t20, t21, t22);
    }
  }
}

/** Tap (r, s) of the filter pair at `at` (see winogradFilterF32 for `turned`). */
function tap(g: usize, at: usize, pairs: usize, r: i32, s: i32, turned: bool): f32 {
  const k = turned ? (2 - r) * 3 + (2 - s) : r * 3 + s;
  return load<f32>(g + ((<usize>k * pairs + at) << 2));
}

/**
 * Floats from U[ξ] to U[ξ + 1]: ci · co and one cache line more. With ci · co a multiple of
 * 1024 (32 → 32 channels and up) the rows would start at the same offset within 4 KB pages,
 * so the 16-36 rows written together for one channel pair would fall in the same L1 cache
 * set and evict each other: the transform of a 512 → 512 filter took 27 ms instead of 5.
 */
export function filterRowFloats(ci: i32, co: i32): usize {
  return <usize>(ci * co + 16);
}

/**
 * Bytes from a block's V[ξ] (or M[ξ]) to V[ξ + 1], for rows of `pixel` bytes: one cache line
 * more than block · pixel, for the reason of filterRowFloats (the transforms write all ξ of
 * a tile together). The caller's scratch has 16 floats more per ξ than block · channels.
 */
export function xiBytes(block: i32, pixel: usize): usize {
  return <usize>block * pixel + 64;
}

/** Row i of U = P Gᵀ from row i of P = (a, b, c), stored at ξ = 4i … 4i + 3. */
function filterRow(out: usize, rowFloats: usize, i: i32, a: f32, b: f32, c: f32): void {
  const stride = rowFloats << 2;
  const row = out + <usize>(4 * i) * stride;
  store<f32>(row, a);
  store<f32>(row + stride, 0.5 * (a + b + c));
  store<f32>(row + 2 * stride, 0.5 * (a - b + c));
  store<f32>(row + 3 * stride, c);
}

/** Tiles per block. */
export const BLOCK: i32 = 16;

/** Activation applied to the output: none, ReLU, ReLU6. */
const LINEAR: i32 = 0;
const RELU: i32 = 1;

/**
 * V[ξ][b][c] for the block's tiles b < count; the rows from count to the next multiple of four
 * are zeroed (the products run over groups of four rows, and stale scratch could hold
 * denormals, which are slow to multiply, or NaN).
 */
export function inputTransform(
  x: usize,
  v: usize,
  b0: i32,
  count: i32,
  h: i32,
  w: i32,
  ci: i32,
  tilesH: i32,
  tilesW: i32,
  padTop: i32,
  padLeft: i32,
  block: i32
): void {
  const pixel = (<usize>ci) << 2;
  const xiStride = xiBytes(block, pixel); // bytes between V[ξ] and V[ξ + 1]
  const zero = f32x4.splat(0);
  const rows = (count + 3) & ~3;
  for (let b = 0; b < rows; b++) {
    const at = v + <usize>b * pixel;
    if (b >= count) {
      for (let xi = 0; xi < 16; xi++) memory.fill(at + <usize>xi * xiStride, 0, pixel);
      continue;
    }
    const t = b0 + b;
    const perImage = tilesH * tilesW;
    const image = t / perImage;
    const inImage = t - image * perImage;
    const ty = inImage / tilesW;
    const tx = inImage - ty * tilesW;
    const top = 2 * ty - padTop;
    const left = 2 * tx - padLeft;
    // Byte offsets of the block's four rows and columns; -1 where they fall outside.
    const rowBytes = <isize>w * <isize>pixel;
    const base = <isize>x + <isize>image * <isize>h * rowBytes;
    const r0 = rowAt(top, h, base, rowBytes);
    const r1 = rowAt(top + 1, h, base, rowBytes);
    const r2 = rowAt(top + 2, h, base, rowBytes);
    const r3 = rowAt(top + 3, h, base, rowBytes);
    const q0 = colAt(left, w, pixel);
    const q1 = colAt(left + 1, w, pixel);
    const q2 = colAt(left + 2, w, pixel);
    const q3 = colAt(left + 3, w, pixel);
    for (let c: usize = 0; c < pixel; c += 16) {
      // W = d B, row by row (the row's four columns into four differences).
      let d0 = loadOrZero(r0, q0, c, zero);
      let d1 = loadOrZero(r0, q1, c, zero);
      let d2 = loadOrZero(r0, q2, c, zero);
      let d3 = loadOrZero(r0, q3, c, zero);
      const w00 = f32x4.sub(d0, d2);
      const w01 = f32x4.add(d1, d2);
      const w02 = f32x4.sub(d2, d1);
      const w03 = f32x4.sub(d1, d3);
      d0 = loadOrZero(r1, q0, c, zero);
      d1 = loadOrZero(r1, q1, c, zero);
      d2 = loadOrZero(r1, q2, c, zero);
      d3 = loadOrZero(r1, q3, c, zero);
      const w10 = f32x4.sub(d0, d2);
      const w11 = f32x4.add(d1, d2);
      const w12 = f32x4.sub(d2, d1);
      const w13 = f32x4.sub(d1, d3);
      d0 = loadOrZero(r2, q0, c, zero);
      d1 = loadOrZero(r2, q1, c, zero);
      d2 = loadOrZero(r2, q2, c, zero);
      d3 = loadOrZero(r2, q3, c, zero);
      const w20 = f32x4.sub(d0, d2);
      const w21 = f32x4.add(d1, d2);
      const w22 = f32x4.sub(d2, d1);
      const w23 = f32x4.sub(d1, d3);
      d0 = loadOrZero(r3, q0, c, zero);
      d1 = loadOrZero(r3, q1, c, zero);
      d2 = loadOrZero(r3, q2, c, zero);
      d3 = loadOrZero(r3, q3, c, zero);
      const w30 = f32x4.sub(d0, d2);
      const w31 = f32x4.add(d1, d2);
      const w32 = f32x4.sub(d2, d1);
      const w33 = f32x4.sub(d1, d3);
      // V = Bᵀ W, column by column; V[i][j] goes to ξ = 4i + j.
      const o = at + c;
      storeColumn(o, xiStride, 0, w00, w10, w20, w30);
      storeColumn(o, xiStride, 1, w01, w11, w21, w31);
      storeColumn(o, xiStride, 2, w02, w12, w22, w32);
      storeColumn(o, xiStride, 3, w03, w13, w23, w33);
    }
  }
}

/** Byte address of row r of the image at base, or -1 outside [0, h). */
export function rowAt(r: i32, h: i32, base: isize, rowBytes: isize): isize {
  return r >= 0 && r < h ? base + <isize>r * rowBytes : -1;
}

/** Byte offset of column q within a row, or -1 outside [0, w). */
export function colAt(q: i32, w: i32, pixel: usize): isize {
  return q >= 0 && q < w ? <isize>q * <isize>pixel : -1;
}

export function loadOrZero(row: isize, col: isize, c: usize, zero: v128): v128 {
  return row < 0 || col < 0 ? zero : v128.load(<usize>(row + col) + c);
}

/** Bᵀ applied to one column (a, b, c, d) of W, stored at ξ = j, 4 + j, 8 + j, 12 + j. */
function storeColumn(o: usize, xiStride: usize, j: i32, a: v128, b: v128, c: v128, d: v128): void {
  v128.store(o + <usize>j * xiStride, f32x4.sub(a, c));
  v128.store(o + <usize>(4 + j) * xiStride, f32x4.add(b, c));
  v128.store(o + <usize>(8 + j) * xiStride, f32x4.sub(c, b));
  v128.store(o + <usize>(12 + j) * xiStride, f32x4.sub(b, d));
}

/**
 * m (rows × co) = v (rows × ci) · u (ci × co), rows a multiple of 4: four rows by eight columns
 * in registers while the sum runs over ci in order (eleven live vectors: no spills on x64's
 * sixteen).
 */
export function blockProduct(v: usize, u: usize, m: usize, rows: i32, ci: i32, co: i32): void {
  const vRow = (<usize>ci) << 2;
  const uRow = (<usize>co) << 2;
  for (let b = 0; b < rows; b += 4) {
    const v0 = v + <usize>b * vRow;
    const v1 = v0 + vRow;
    const v2 = v1 + vRow;
    const v3 = v2 + vRow;
    const m0 = m + <usize>b * uRow;
    let j: usize = 0;
    for (; j + 32 <= uRow; j += 32) {
      let s00 = f32x4.splat(0);
      let s01 = s00;
      let s10 = s00;
      let s11 = s00;
      let s20 = s00;
      let s21 = s00;
      let s30 = s00;
      let s31 = s00;
      let up = u + j;
      for (let k: usize = 0; k < vRow; k += 4, up += uRow) {
        const u0 = v128.load(up);
        const u1 = v128.load(up, 16);
        let a = v128.load32_splat(v0 + k);
        s00 = f32x4.add(s00, f32x4.mul(a, u0));
        s01 = f32x4.add(s01, f32x4.mul(a, u1));
        a = v128.load32_splat(v1 + k);
        s10 = f32x4.add(s10, f32x4.mul(a, u0));
        s11 = f32x4.add(s11, f32x4.mul(a, u1));
        a = v128.load32_splat(v2 + k);
        s20 = f32x4.add(s20, f32x4.mul(a, u0));
        s21 = f32x4.add(s21, f32x4.mul(a, u1));
        a = v128.load32_splat(v3 + k);
        s30 = f32x4.add(s30, f32x4.mul(a, u0));
        s31 = f32x4.add(s31, f32x4.mul(a, u1));
      }
      const o = m0 + j;
      v128.store(o, s00);
      v128.store(o, s01, 16);
      v128.store(o + uRow, s10);
      v128.store(o + uRow, s11, 16);
      v128.store(o + 2 * uRow, s20);
      v128.store(o + 2 * uRow, s21, 16);
      v128.store(o + 3 * uRow, s30);
      v128.store(o + 3 * uRow, s31, 16);
    }
    if (j < uRow) {
      // co ≡ 4 (mod 8): the last four columns.
      let s0 = f32x4.splat(0);
      let s1 = s0;
      let s2 = s0;
      let s3 = s0;
      let up = u + j;
      for (let k: usize = 0; k < vRow; k += 4, up += uRow) {
        const u0 = v128.load(up);
        s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(v0 + k), u0));
        s1 = f32x4.add(s1, f32x4.mul(v128.load32_splat(v1 + k), u0));
        s2 = f32x4.add(s2, f32x4.mul(v128.load32_splat(v2 + k), u0));
        s3 = f32x4.add(s3, f32x4.mul(v128.load32_splat(v3 + k), u0));
      }
      const o = m0 + j;
      v128.store(o, s0);
      v128.store(o + uRow, s1);
      v128.store(o + 2 * uRow, s2);
      v128.store(o + 3 * uRow, s3);
    }
  }
}

/** Y = Aᵀ M A + bias, activated, for the block's tiles; outputs past ho or wo are not written. */
export function outputTransform(
  m: usize,
  bias: usize,
  y: usize,
  b0: i32,
  count: i32,
  co: i32,
  ho: i32,
  wo: i32,
  tilesH: i32,
  tilesW: i32,
  activation: i32,
  pool: bool,
  block: i32
): void {
  const pixel = (<usize>co) << 2;
  const xiStride = xiBytes(block, pixel);
  const zero = f32x4.splat(0);
  const six = f32x4.splat(6);
  const perImage = tilesH * tilesW;
  // Pooled output: a tile is a 2×2 pooling window; 'valid' pooling drops a last odd row/column.
  const ph = ho >> 1;
  const pw = wo >> 1;
  for (let b = 0; b < count; b++) {
    const t = b0 + b;
    const image = t / perImage;
    const inImage = t - image * perImage;
    const ty = inImage / tilesW;
    const tx = inImage - ty * tilesW;
    if (pool) {
      if (ty < ph && tx < pw) {
        const out = y + (<usize>(image * ph + ty) * <usize>pw + <usize>tx) * pixel;
        pooledTile(m + <usize>b * pixel, xiStride, bias, out, pixel, activation, zero, six);
      }
      continue;
    }
    const oy = 2 * ty;
    const ox = 2 * tx;
    const rowBytes = <usize>wo * pixel;
    const out00 = y + (<usize>image * <usize>ho + <usize>oy) * rowBytes + <usize>ox * pixel;
    const hasRight = ox + 1 < wo;
    const hasBelow = oy + 1 < ho;
    const at = m + <usize>b * pixel;
    for (let c: usize = 0; c < pixel; c += 16) {
      const o = at + c;
      // Z = Aᵀ M (2 × 4), then Y = Z A (2 × 2).
      const z00 = column0(o, xiStride, 0);
      const z10 = column1(o, xiStride, 0);
      const z01 = column0(o, xiStride, 1);
      const z11 = column1(o, xiStride, 1);
      const z02 = column0(o, xiStride, 2);
      const z12 = column1(o, xiStride, 2);
      const z03 = column0(o, xiStride, 3);
      const z13 = column1(o, xiStride, 3);
      const bv = v128.load(bias + c);
      const y00 = f32x4.add(f32x4.add(f32x4.add(z00, z01), z02), bv);
      const y01 = f32x4.add(f32x4.sub(f32x4.sub(z01, z02), z03), bv);
      const y10 = f32x4.add(f32x4.add(f32x4.add(z10, z11), z12), bv);
      const y11 = f32x4.add(f32x4.sub(f32x4.sub(z11, z12), z13), bv);
      v128.store(out00 + c, activate(y00, activation, zero, six));
      if (hasRight) v128.store(out00 + pixel + c, activate(y01, activation, zero, six));
      if (hasBelow) {
        v128.store(out00 + rowBytes + c, activate(y10, activation, zero, six));
        if (hasRight) {
          v128.store(out00 + rowBytes + pixel + c, activate(y11, activation, zero, six));
        }
      }
    }
  }
}

/**
 * The maximum of one tile's four outputs (+ bias, activated: the activations are monotonic, so
 * activating the maximum is the maximum of the activated), the 2×2 MaxPooling of the tile.
 */
function pooledTile(
  at: usize,
  xiStride: usize,
  bias: usize,
  out: usize,
  pixel: usize,
  activation: i32,
  zero: v128,
  six: v128
): void {
  for (let c: usize = 0; c < pixel; c += 16) {
    const o = at + c;
    const z00 = column0(o, xiStride, 0);
    const z10 = column1(o, xiStride, 0);
    const z01 = column0(o, xiStride, 1);
    const z11 = column1(o, xiStride, 1);
    const z02 = column0(o, xiStride, 2);
    const z12 = column1(o, xiStride, 2);
    const z03 = column0(o, xiStride, 3);
    const z13 = column1(o, xiStride, 3);
    const y00 = f32x4.add(f32x4.add(z00, z01), z02);
    const y01 = f32x4.sub(f32x4.sub(z01, z02), z03);
    const y10 = f32x4.add(f32x4.add(z10, z11), z12);
    const y11 = f32x4.sub(f32x4.sub(z11, z12), z13);
    const top = f32x4.max(y00, y01);
    const bottom = f32x4.max(y10, y11);
    const most = f32x4.add(f32x4.max(top, bottom), v128.load(bias + c));
    v128.store(out + c, activate(most, activation, zero, six));
  }
}

/** Row 0 of Aᵀ applied to column j of M: M[0][j] + M[1][j] + M[2][j]. */
function column0(o: usize, xiStride: usize, j: i32): v128 {
  const a = v128.load(o + <usize>j * xiStride);
  const b = v128.load(o + <usize>(4 + j) * xiStride);
  const c = v128.load(o + <usize>(8 + j) * xiStride);
  return f32x4.add(f32x4.add(a, b), c);
}

/** Row 1 of Aᵀ applied to column j of M: M[1][j] − M[2][j] − M[3][j]. */
function column1(o: usize, xiStride: usize, j: i32): v128 {
  const b = v128.load(o + <usize>(4 + j) * xiStride);
  const c = v128.load(o + <usize>(8 + j) * xiStride);
  const d = v128.load(o + <usize>(12 + j) * xiStride);
  return f32x4.sub(f32x4.sub(b, c), d);
}

/** The activation by its code (0 linear, 1 ReLU, 2 ReLU6), four lanes. */
export function activate(value: v128, activation: i32, zero: v128, six: v128): v128 {
  if (activation == LINEAR) return value;
  const relu = f32x4.pmax(value, zero);
  return activation == RELU ? relu : f32x4.pmin(relu, six);
}
