/**
 * Border extrapolation of the kernels, by the engine's names (modules/filters.ts Border):
 * reflect_101 (gfedcb|abcdefgh|gfedcba, OpenCV's default) and replicate (aaaaaa|abcdefgh|hhhhhhh).
 */
export const REFLECT_101 = 0;
export const REPLICATE = 1;

/** Coordinate p of an axis of length n reflected as reflect_101. */
export function reflect101(p: i32, n: i32): i32 {
  if (n == 1) return 0;
  while (p < 0 || p >= n) p = p < 0 ? -p : 2 * n - 2 - p;
  return p;
}

/** Coordinate p of an axis of length n after extrapolation by `border` (REFLECT_101 or REPLICATE). */
export function borderAt(p: i32, n: i32, border: i32): i32 {
  if (border == REPLICATE) return p < 0 ? 0 : p >= n ? n - 1 : p;
  return reflect101(p, n);
}
