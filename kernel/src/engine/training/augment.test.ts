import { seededRandom } from '../util/random';
import { augmentBatch } from './augment';

const img = (h: number, w: number) => Float32Array.from({ length: h * w }, (_, i) => i);

test('flips mirror the image exactly', () => {
  const x = img(3, 4);
  // rng draws per image: flip_h, flip_v, angle, dy, dx. 0.1 < 0.5 → flip.
  const draws = [0.1, 0.9, 0.5, 0.5, 0.5];
  augmentBatch(
    x,
    1,
    [3, 4, 1],
    { flip_horizontal: true, flip_vertical: true, rotation: 0, shift: 0 },
    () => draws.shift()!
  );
  expect(Array.from(x)).toEqual([3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8]);
});

test('a 90° rotation and a whole-pixel shift move pixels where expected', () => {
  const x = img(3, 3);
  // angle = (2·draw - 1)·rotation: draw 1 with rotation 90 → +90°.
  const draws = [0.9, 0.9, 1, 0.5, 0.5];
  augmentBatch(
    x,
    1,
    [3, 3, 1],
    { flip_horizontal: false, flip_vertical: false, rotation: 90, shift: 0 },
    () => draws.shift()!
  );
  expect(Array.from(x).map(v => Math.round(v * 1e6) / 1e6)).toEqual([2, 5, 8, 1, 4, 7, 0, 3, 6]);
  const y = img(3, 3);
  // dx = (2·draw - 1)·shift·w = 1 pixel right; zeros come in from the left.
  const d2 = [0.9, 0.9, 0.5, 0.5, 1];
  augmentBatch(
    y,
    1,
    [3, 3, 1],
    { flip_horizontal: false, flip_vertical: false, rotation: 0, shift: 1 / 3 },
    () => d2.shift()!
  );
  expect(Array.from(y).map(v => Math.round(v * 1e6) / 1e6)).toEqual([0, 0, 1, 0, 3, 4, 0, 6, 7]);
});

test('the same seed gives the same augmented batch', () => {
  const s = { flip_horizontal: true, flip_vertical: false, rotation: 15, shift: 0.1 };
  const run = (seed: number) => {
    const x = Float32Array.from({ length: 4 * 8 * 8 * 2 }, (_, i) => Math.sin(i));
    augmentBatch(x, 4, [8, 8, 2], s, seededRandom(seed));
    return Array.from(x);
  };
  expect(run(1)).toEqual(run(1));
  expect(run(1)).not.toEqual(run(2));
});
