/**
 * Renders a Grad-CAM heatmap over its image as an RGB PNG: the image in gray, the heatmap in
 * the "jet" colormap (blue = 0 … red = 1), blended with `opacity` where the heat is.
 */
import { encodePng } from '../data/png';

/** The jet colormap at t ∈ [0, 1] as [r, g, b] in 0..255. */
export function jet(t: number): [number, number, number] {
  const c = (x: number) => Math.round(255 * Math.min(1, Math.max(0, x)));
  return [c(1.5 - Math.abs(4 * t - 3)), c(1.5 - Math.abs(4 * t - 2)), c(1.5 - Math.abs(4 * t - 1))];
}

export interface OverlayOptions {
  /** Weight of the heatmap colour (0: image only, 1: heatmap only). Default 0.5. */
  opacity?: number;
  /** Integer upscaling of the (small) image for display. Default 4. */
  scale?: number;
}

/**
 * @param image H × W × C values (C 1 or 3), any range: scaled to 0..255 by its min and max
 * @param heatmap H × W values in [0, 1]
 */
export function overlayPng(
  image: ArrayLike<number>,
  heatmap: ArrayLike<number>,
  height: number,
  width: number,
  channels: number,
  options: OverlayOptions = {}
): Uint8Array {
  const { opacity = 0.5, scale = 4 } = options;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < image.length; i++) {
    lo = Math.min(lo, image[i]);
    hi = Math.max(hi, image[i]);
  }
  const range = hi > lo ? hi - lo : 1;
  const W = width * scale;
  const H = height * scale;
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = Math.floor(y / scale) * width + Math.floor(x / scale);
      const heat = heatmap[p];
      const colour = jet(heat);
      for (let ch = 0; ch < 3; ch++) {
        const v = image[p * channels + (channels === 3 ? ch : 0)];
        const gray = (255 * (v - lo)) / range;
        out[(y * W + x) * 3 + ch] = Math.round((1 - opacity) * gray + opacity * colour[ch]);
      }
    }
  }
  return encodePng(out, W, H, 3);
}
