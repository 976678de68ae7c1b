/**
 * The rest of cv2.Canny on u8 images once the Sobel derivatives (i16, sobel3PairU8 with
 * replicated borders) are known: gradient magnitude (L1 or squared L2), non-maximum
 * suppression with OpenCV's fixed-point tan(22.5°) test, and hysteresis. The same steps, in
 * the same integer arithmetic, as kernel/src/engine/modules/canny.ts.
 */
import { step } from './lanes';

/**
 * dst (u8, h·w) = 255 on edges, 0 elsewhere. Scratch: mag ((h + 2) × (w + 2) i32, a zero
 * frame around the magnitudes), map (h·w u8), stack (h·w i32). tg22 is tan(22.5°) · 2^shift.
 */
export function cannyU8(
  gx: usize,
  gy: usize,
  dst: usize,
  mag: usize,
  map: usize,
  stack: usize,
  h: i32,
  w: i32,
  low: i32,
  high: i32,
  l2: bool,
  tg22: i32,
  shift: i32
): void {
  const W = w + 2;
  memory.fill(mag, 0, (<usize>((h + 2) * W)) << 2);
  // Magnitudes, eight at a time (rows of at least eight pixels; the last group overlaps).
  for (let y = 0; y < h; y++) {
    const out = mag + ((<usize>((y + 1) * W + 1)) << 2);
    for (let i = 0; i < w; i += 8) {
      const x = <usize>step(i, w, 8);
      const at = (<usize>(y * w) + x) << 1;
      const a = v128.load(gx + at);
      const b = v128.load(gy + at);
      let lo: v128;
      let hi: v128;
      if (l2) {
        lo = i32x4.add(i32x4.extmul_low_i16x8_s(a, a), i32x4.extmul_low_i16x8_s(b, b));
        hi = i32x4.add(i32x4.extmul_high_i16x8_s(a, a), i32x4.extmul_high_i16x8_s(b, b));
      } else {
        // |gx| + |gy| ≤ 2040 fits 16 bits.
        const m = i16x8.add(i16x8.abs(a), i16x8.abs(b));
        lo = i32x4.extend_low_i16x8_s(m);
        hi = i32x4.extend_high_i16x8_s(m);
      }
      v128.store(out + (x << 2), lo);
      v128.store(out + (x << 2), hi, 16);
    }
  }
  memory.fill(map, 0, <usize>(h * w));
  let top = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const j = mag + ((<usize>((y + 1) * W + x + 1)) << 2);
      const m = load<i32>(j);
      if (m <= low) continue;
      const i = (<usize>(y * w + x)) << 1;
      const xs = <i32>load<i16>(gx + i);
      const ys = <i32>load<i16>(gy + i);
      const ax = abs(xs);
      const ay = abs(ys) << shift;
      const tg22x = ax * tg22;
      const row = (<usize>W) << 2;
      let keep: bool;
      if (ay < tg22x) keep = m > load<i32>(j - 4) && m >= load<i32>(j + 4);
      else if (ay > tg22x + (ax << (shift + 1))) {
        keep = m > load<i32>(j - row) && m >= load<i32>(j + row);
      } else {
        // The diagonal the gradient points along: up-left/down-right or up-right/down-left.
        const off = (<usize>(W + (xs * ys < 0 ? -1 : 1))) << 2;
        keep = m > load<i32>(j - off) && m > load<i32>(j + off);
      }
      if (!keep) continue;
      const p = y * w + x;
      if (m > high) {
        store<u8>(map + <usize>p, 2);
        store<i32>(stack + ((<usize>top) << 2), p);
        top++;
      } else store<u8>(map + <usize>p, 1);
    }
  }
  while (top > 0) {
    top--;
    const p = load<i32>(stack + ((<usize>top) << 2));
    const y = p / w;
    const x = p - y * w;
    const y1 = y + 1 < h ? y + 1 : h - 1;
    const x1 = x + 1 < w ? x + 1 : w - 1;
    for (let yy = y > 0 ? y - 1 : 0; yy <= y1; yy++) {
      for (let xx = x > 0 ? x - 1 : 0; xx <= x1; xx++) {
        const q = yy * w + xx;
        if (load<u8>(map + <usize>q) == 1) {
          store<u8>(map + <usize>q, 2);
          store<i32>(stack + ((<usize>top) << 2), q);
          top++;
        }
      }
    }
  }
  for (let i = 0; i < h * w; i++)
    store<u8>(dst + <usize>i, load<u8>(map + <usize>i) == 2 ? 255 : 0);
}
