/** Grad-CAM heatmaps of a run as a displayable value: overlays as PNG images in a strip. */
import type { GradCamResult } from '../explain/gradcam';
import { overlayPng, type OverlayOptions } from '../explain/overlay';
import { MIME_BUNDLE, type MimeBundle } from '../mimebundle';

export interface GradCamLabels {
  indices: number[];
  labels: number[];
  classNames?: string[];
}

export class GradCamView {
  constructor(
    readonly result: GradCamResult,
    /** The processed images (N × H × W × C). */
    private readonly images: Float32Array,
    private readonly shape: [number, number, number],
    private readonly info: GradCamLabels
  ) {}

  /** Heatmaps (H × W, values in [0, 1]), one per image. */
  get heatmaps(): Float32Array[] {
    return this.result.heatmaps;
  }

  /** The overlay of image k as PNG bytes. */
  png(k: number, options?: OverlayOptions): Uint8Array {
    const [h, w, c] = this.shape;
    const size = h * w * c;
    return overlayPng(
      this.images.subarray(k * size, (k + 1) * size),
      this.result.heatmaps[k],
      h,
      w,
      c,
      options
    );
  }

  private name(c: number): string {
    return this.info.classNames?.[c] ?? String(c);
  }

  toString(): string {
    return this.info.indices
      .map(
        (i, k) =>
          `#${i}: true ${this.name(this.info.labels[k])}, explained ${this.name(this.result.classes[k])} ` +
          `(p ${this.result.probabilities[k][this.result.classes[k]].toFixed(3)}), layer ${this.result.layer}`
      )
      .join('\n');
  }

  [MIME_BUNDLE](): MimeBundle {
    const cells = this.info.indices.map((i, k) => {
      const b64 = Buffer.from(this.png(k)).toString('base64');
      const caption = escapeHtml(
        `#${i} ${this.name(this.info.labels[k])} → ${this.name(this.result.classes[k])}`
      );
      return (
        `<figure style="display:inline-block;margin:4px;text-align:center">` +
        `<img src="data:image/png;base64,${b64}"/><figcaption>${caption}</figcaption></figure>`
      );
    });
    return { 'text/plain': this.toString(), 'text/html': `<div>${cells.join('')}</div>` };
  }
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"]/g,
    ch => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!
  );
}
