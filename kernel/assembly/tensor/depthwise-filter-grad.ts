/**
 * The filter gradient of a depthwise convolution with multiplier 1 over NHWC float32 tensors
 * (kernel/src/engine/backend/wasm/depthwise_backprop.ts):
 *   dW[i, j, ch] = Σ_{b, oy, ox} x[b, oy·sh + i·dh − top, ox·sw + j·dw − left, ch] · dy[b, oy, ox, ch],
 * four channels per vector, summed into dW itself (fh · fw · c floats: it stays in L1) while
 * x and dy are read once per tap row. Channels [c0, c1) only, so that threads can share the
 * channels; each sum runs over b, oy, ox in order whatever the split. c0, c1 and c must be
 * multiples of 4.
 */
export function depthwiseFilterGradF32(
  x: usize,
  dy: usize,
  dW: usize,
  n: i32,
  h: i32,
  w: i32,
  c: i32,
  ho: i32,
  wo: i32,
  fh: i32,
  fw: i32,
  sh: i32,
  sw: i32,
  dh: i32,
  dw: i32,
  top: i32,
  left: i32,
  c0: i32,
  c1: i32
): void {
  const pixel = (<usize>c) << 2;
  const first = (<usize>c0) << 2;
  const last = (<usize>c1) << 2;
  for (let t = 0; t < fh * fw; t++) memory.fill(dW + <usize>t * pixel + first, 0, last - first);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      const gRow = dy + <usize>((b * ho + oy) * wo) * pixel;
      for (let i = 0; i < fh; i++) {
        const y = oy * sh + i * dh - top;
        if (y < 0 || y >= h) continue;
        const xRow = x + <usize>((b * h + y) * w) * pixel;
        for (let j = 0; j < fw; j++) {
          const acc = dW + <usize>(i * fw + j) * pixel;
          // Output columns whose input column ox·sw + j·dw − left lies in [0, w).
          const shift = j * dw - left;
          if (shift > w - 1) continue;
          const ox0 = shift >= 0 ? 0 : (sw - 1 - shift) / sw;
          const ox1 = min(wo, (w - 1 - shift) / sw + 1);
          for (let ox = ox0; ox < ox1; ox++) {
            const xp = xRow + <usize>(ox * sw + shift) * pixel;
            const gp = gRow + <usize>ox * pixel;
            for (let k = first; k < last; k += 16) {
              const sum = f32x4.add(
                v128.load(acc + k),
                f32x4.mul(v128.load(xp + k), v128.load(gp + k))
              );
              v128.store(acc + k, sum);
            }
          }
        }
      }
    }
  }
}
