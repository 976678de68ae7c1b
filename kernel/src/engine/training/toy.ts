/**
 * A synthetic two-class image set for tests: noise images, where class 1 carries a bright
 * square patch at a random place in one quadrant. Seeded, so tests are reproducible.
 */
import { seededRandom } from '../util/random';
import type { TensorSplit } from './train';

export function toySplit(n: number, size: number, seed: number, patch = 3): TensorSplit {
  const rng = seededRandom(seed);
  const x = new Float32Array(n * size * size);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    labels[i] = label;
    const img = x.subarray(i * size * size, (i + 1) * size * size);
    for (let p = 0; p < img.length; p++) img[p] = rng() * 0.5;
    if (label === 1) {
      // The patch lies in the top-left quadrant, so Grad-CAM tests know where to look.
      const half = Math.floor(size / 2) - patch;
      const y0 = Math.floor(rng() * (half + 1));
      const x0 = Math.floor(rng() * (half + 1));
      for (let y = y0; y < y0 + patch; y++) {
        for (let xx = x0; xx < x0 + patch; xx++) img[y * size + xx] = 1;
      }
    }
  }
  return { x, shape: [size, size, 1], labels };
}
