/**
 * Grad-CAM on a toy task where class 1 is "has a bright patch in the top-left quadrant": the
 * heatmap of a trained model is in [0, 1] at the input size, and its mass lies on the patch.
 */
import { inflateSync } from 'node:zlib';
import { ensureBackend, tf } from '../backend';
import { smallCnn } from '../networks/small_cnn';
import { resolveTraining } from '../training/settings';
import { toySplit } from '../training/toy';
import { trainClassifier } from '../training/train';
import { gradCam, lastConvLayer } from './gradcam';
import { jet, overlayPng } from './overlay';

let model: tf.LayersModel;
const SIZE = 16;

beforeAll(async () => {
  await ensureBackend();
  const r = await trainClassifier({
    network: smallCnn({ classes: 2, filters: 8, blocks: 2 }),
    settings: resolveTraining({ epochs: 6, batch_size: 16, optimizer: { name: 'adam', lr: 0.01 } }),
    seed: 1,
    classes: ['plain', 'patch'],
    positiveClass: 1,
    train: toySplit(256, SIZE, 1),
    val: toySplit(64, SIZE, 2)
  });
  expect(r.metrics.val.accuracy).toBeGreaterThan(0.9);
  model = r.model;
});

afterAll(() => model.dispose());

test('the default layer is the last one with an image-shaped output', () => {
  expect(lastConvLayer(model)).toBe('pool2');
});

test('heatmaps are at the input size, in [0, 1], and light up the discriminative patch', () => {
  const test = toySplit(20, SIZE, 9);
  const x = tf.tensor4d(test.x, [20, SIZE, SIZE, 1]);
  const cam = gradCam(model, x, { layer: 'relu2', classIndex: 1 });
  x.dispose();
  expect(cam.layer).toBe('relu2');
  expect([cam.height, cam.width, cam.heatmaps.length]).toEqual([SIZE, SIZE, 20]);
  let inside = 0;
  let total = 0;
  for (let i = 1; i < 20; i += 2) {
    const h = cam.heatmaps[i];
    expect(Math.min(...h)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...h)).toBeCloseTo(1, 5);
    // Mean heat on the patch's pixels vs. everywhere.
    const img = test.x.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE);
    let onPatch = 0;
    let n = 0;
    img.forEach((v, p) => {
      if (v === 1) {
        onPatch += h[p];
        n++;
      }
    });
    inside += onPatch / n;
    total += h.reduce((a, b) => a + b, 0) / h.length;
  }
  // On average the patch is at least twice as hot as the image as a whole.
  expect(inside / 10).toBeGreaterThan((2 * total) / 10);
  expect(cam.classes).toEqual(Array(20).fill(1));
});

test('the predicted class by default; bad layer and class are named', () => {
  const test = toySplit(4, SIZE, 5);
  const x = tf.tensor4d(test.x, [4, SIZE, SIZE, 1]);
  const cam = gradCam(model, x);
  expect(cam.classes).toEqual(cam.probabilities.map(p => p.indexOf(Math.max(...p))));
  expect(() => gradCam(model, x, { layer: 'logits' })).toThrow(
    'grad-cam: layer logits has output shape (, 2); it needs an image-shaped (4D) output'
  );
  expect(() => gradCam(model, x, { classIndex: 2 })).toThrow(
    "grad-cam: class index 2 is not one of the model's 2 classes"
  );
  x.dispose();
});

test('overlay PNG: upscaled RGB, jet colours', () => {
  expect(jet(0)).toEqual([0, 0, 128]);
  expect(jet(1)).toEqual([128, 0, 0]);
  const png = overlayPng([0, 1, 0, 1], [0, 1, 0, 0], 2, 2, 1, { scale: 3, opacity: 1 });
  expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
  const view = new DataView(png.buffer, png.byteOffset);
  expect([view.getUint32(16), view.getUint32(20), png[25]]).toEqual([6, 6, 2]);
  // First idat row: filter byte, then pixel (0,0) coloured jet(0) and pixel (0,3) jet(1).
  const idat = png.indexOf(0x49, 33);
  const raw = inflateSync(png.subarray(idat + 4, png.length - 16));
  expect(Array.from(raw.subarray(1, 4))).toEqual(jet(0));
  expect(Array.from(raw.subarray(1 + 9, 1 + 12))).toEqual(jet(1));
});
