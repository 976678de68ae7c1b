/**
 * On-the-fly augmentation of a training batch (N × H × W × C float32, in place): random flips,
 * rotation and shift, drawn from a seeded generator so that a run is reproducible. Done in
 * plain JS on the batch buffer, so it is identical on every backend; for MedMNIST-sized
 * images it costs far less than the training step.
 */
import type { Rng } from '../util/random';
import type { AugmentationSettings } from './settings';

export function augmentBatch(
  x: Float32Array,
  n: number,
  [h, w, c]: [number, number, number],
  s: AugmentationSettings,
  rng: Rng
): void {
  const size = h * w * c;
  const src = new Float32Array(size);
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  for (let i = 0; i < n; i++) {
    // Always draw the same number of values per image, so images do not shift each other's draws.
    const fh = rng() < 0.5 && s.flip_horizontal;
    const fv = rng() < 0.5 && s.flip_vertical;
    const angle = ((rng() * 2 - 1) * s.rotation * Math.PI) / 180;
    const dy = (rng() * 2 - 1) * s.shift * h;
    const dx = (rng() * 2 - 1) * s.shift * w;
    if (!fh && !fv && angle === 0 && dy === 0 && dx === 0) continue;
    const img = x.subarray(i * size, (i + 1) * size);
    src.set(img);
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        // Inverse map: output pixel → source position (undo shift, then rotation, then flips).
        const oy = y - cy - dy;
        const ox = xx - cx - dx;
        let sy = cos * oy + sin * ox + cy;
        let sx = -sin * oy + cos * ox + cx;
        if (fv) sy = h - 1 - sy;
        if (fh) sx = w - 1 - sx;
        const o = (y * w + xx) * c;
        sample(src, h, w, c, sy, sx, img, o);
      }
    }
  }
}

/** Bilinear sample at (sy, sx), zero outside the image. */
function sample(
  src: Float32Array,
  h: number,
  w: number,
  c: number,
  sy: number,
  sx: number,
  out: Float32Array,
  o: number
): void {
  const y0 = Math.floor(sy);
  const x0 = Math.floor(sx);
  const fy = sy - y0;
  const fx = sx - x0;
  for (let ch = 0; ch < c; ch++) {
    let v = 0;
    for (let a = 0; a < 2; a++) {
      const yy = y0 + a;
      if (yy < 0 || yy >= h) continue;
      const wy = a ? fy : 1 - fy;
      for (let b = 0; b < 2; b++) {
        const xx = x0 + b;
        if (xx < 0 || xx >= w) continue;
        const wx = b ? fx : 1 - fx;
        if (wy * wx !== 0) v += wy * wx * src[(yy * w + xx) * c + ch];
      }
    }
    out[o + ch] = v;
  }
}
