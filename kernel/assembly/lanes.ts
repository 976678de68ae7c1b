/**
 * Lane-wise operations on 128-bit vectors of T (u8: 16 lanes, u16: 8 lanes). The branches on
 * sizeof<T>() are resolved when the generic is instantiated, so each kernel compiles to one
 * straight SIMD instruction per call (binaryen inlines these at -O3).
 */

/** Number of T values in one vector. */
export function lanesOf<T>(): i32 {
  return 16 / sizeof<T>();
}

export function vmin<T>(a: v128, b: v128): v128 {
  if (sizeof<T>() == 1) return i8x16.min_u(a, b);
  return i16x8.min_u(a, b);
}

export function vmax<T>(a: v128, b: v128): v128 {
  if (sizeof<T>() == 1) return i8x16.max_u(a, b);
  return i16x8.max_u(a, b);
}

/**
 * Type arguments that choose min or max when a generic is instantiated (isMinOp<Op>() is then
 * a constant): each instance's loops hold min or max instructions only, where a run-time flag
 * left a branch per vector (3×3 erosion rows: 48 → 24 µs for a 512² uint16 image).
 */
export class Min {}
export class Max {}

export function isMinOp<Op>(): bool {
  return idof<Op>() == idof<Min>();
}

/** min or max by a flag that is constant over the caller's loop. */
export function vpick<T>(a: v128, b: v128, isMin: bool): v128 {
  return isMin ? vmin<T>(a, b) : vmax<T>(a, b);
}

export function smin<T>(a: T, b: T): T {
  return a < b ? a : b;
}

export function smax<T>(a: T, b: T): T {
  return a > b ? a : b;
}

/**
 * Copies `bytes` bytes from `from` to `to`, regions apart, a vector at a time; the last vector
 * overlaps the one before. For rows: memory.copy is a call out of the module that costs more
 * than a row of a few hundred bytes (it stays for rows shorter than a vector).
 */
export function copyRow(to: usize, from: usize, bytes: usize): void {
  if (bytes < 16) {
    memory.copy(to, from, bytes);
    return;
  }
  const last = bytes - 16;
  for (let x: usize = 0; x < last; x += 16) v128.store(to + x, v128.load(from + x));
  v128.store(to + last, v128.load(from + last));
}

/** Fills n values of T at p with v. */
export function fillValues<T>(p: usize, v: T, n: i32): void {
  for (let i = 0; i < n; i++) store<T>(p + ((<usize>i) << alignof<T>()), v);
}

/**
 * Start of the vector step at i over n values, `width` values per step: the last step moves
 * back to end at n, overlapping the one before instead of running past the end (n ≥ width).
 */
export function step(i: i32, n: i32, width: i32): i32 {
  return i + width <= n ? i : n - width;
}

/** Four values of T at p widened to i32 lanes. */
export function load4<T>(p: usize): v128 {
  if (sizeof<T>() == 1) return i32x4.extend_low_i16x8_u(v128.load8x8_u(p));
  return v128.load16x4_u(p);
}
