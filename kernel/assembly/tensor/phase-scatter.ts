/**
 * One phase of a strided convolution's input gradient into its place
 * (kernel/src/engine/backend/wasm/conv2d_backprop_input.ts): src [n, qh, qw, c] goes to
 * dst [n, dh, dw, c] at rows y0, y0 + sy, … and columns x0, x0 + sx, … (c floats per pixel).
 */
export function scatterPhaseF32(
  src: usize,
  dst: usize,
  n: i32,
  qh: i32,
  qw: i32,
  c: i32,
  dh: i32,
  dw: i32,
  y0: i32,
  x0: i32,
  sy: i32,
  sx: i32
): void {
  const pixel = (<usize>c) << 2;
  let from = src;
  for (let b = 0; b < n; b++) {
    for (let u = 0; u < qh; u++) {
      let to = dst + <usize>((b * dh + y0 + sy * u) * dw + x0) * pixel;
      const step = <usize>sx * pixel;
      for (let v = 0; v < qw; v++, from += pixel, to += step) memory.copy(to, from, pixel);
    }
  }
}
