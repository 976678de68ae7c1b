/**
 * Random modules (noise, random_flip, random_rotate, random_affine): the same seed and item
 * give the same output in any order; different items and seeds differ; the draws follow the
 * requested distributions; and the geometric part matches cv2.warpAffine for the drawn matrix.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DataDict } from '../../data/datadict';
import { parseNpy, writeNpy } from '../../data/npy';
import { PYTHON } from '../../testing/python';
import { applyModule, validateParams } from '../registry';
import { affineFor, type RandomAffineParams } from '../random_affine';
import { itemRandom } from '../random';
import { referenceInputs } from './inputs';

let inputs: Awaited<ReturnType<typeof referenceInputs>>;
beforeAll(async () => {
  inputs = await referenceInputs();
});

const values = (d: DataDict) => Array.from(d.image.array.data as ArrayLike<number>);
const run = (module: string, d: DataDict, params: Record<string, unknown>, index: number) =>
  applyModule(module, d, params, { index, split: 'train' })!;

test.each([
  ['noise', { type: 'gaussian', sigma: 0.1 }],
  ['noise', { type: 'poisson' }],
  ['noise', { type: 'salt_and_pepper', amount: 0.2 }],
  ['random_flip', { horizontal: 0.5, vertical: 0.5 }],
  ['random_rotate', { max_angle: 30 }],
  ['random_rotate', { mode: 'quarter_turns' }],
  ['random_affine', { max_angle: 20, max_shear: 10 }]
])('%s %j: reproducible per seed and item, different across items and seeds', (module, p) => {
  const img = inputs.u8b;
  const a = Array.from({ length: 6 }, (_, i) => values(run(module, img, { ...p, seed: 7 }, i)));
  // Reverse order, same seed: identical per item.
  for (let i = 5; i >= 0; i--) expect(values(run(module, img, { ...p, seed: 7 }, i))).toEqual(a[i]);
  const distinct = new Set(a.map(v => v.join()));
  expect(distinct.size).toBeGreaterThan(1);
  const other = Array.from({ length: 6 }, (_, i) => values(run(module, img, { ...p, seed: 8 }, i)));
  expect(other.map(v => v.join())).not.toEqual(a.map(v => v.join()));
});

test('gaussian noise has the requested standard deviation and no bias (float image)', () => {
  const flat: DataDict = structuredClone(inputs.f32);
  (flat.image.array.data as Float32Array).fill(0.5);
  const out = values(run('noise', flat, { type: 'gaussian', sigma: 0.1, seed: 1 }, 0));
  const mean = out.reduce((s, v) => s + v, 0) / out.length;
  const sd = Math.sqrt(out.reduce((s, v) => s + (v - mean) ** 2, 0) / out.length);
  // 7056 samples: standard error of the mean 0.0012, of the sd about 0.0009.
  expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
  expect(Math.abs(sd - 0.1)).toBeLessThan(0.004);
});

test('poisson noise: variance equals the mean in counts; salt-and-pepper hits the amount', () => {
  const flat: DataDict = structuredClone(inputs.u8b);
  (flat.image.array.data as Uint8Array).fill(40);
  const out = values(run('noise', flat, { type: 'poisson', seed: 3 }, 0));
  const mean = out.reduce((s, v) => s + v, 0) / out.length;
  const variance = out.reduce((s, v) => s + (v - mean) ** 2, 0) / out.length;
  expect(Math.abs(mean - 40)).toBeLessThan(0.5);
  expect(Math.abs(variance / 40 - 1)).toBeLessThan(0.08);
  const sp = values(run('noise', flat, { type: 'salt_and_pepper', amount: 0.2, seed: 3 }, 0));
  const salt = sp.filter(v => v === 255).length / sp.length;
  const pepper = sp.filter(v => v === 0).length / sp.length;
  expect(Math.abs(salt - 0.1)).toBeLessThan(0.015);
  expect(Math.abs(pepper - 0.1)).toBeLessThan(0.015);
});

test('random_flip flips with the given probabilities, independently per axis', () => {
  const img = inputs.u8b;
  const h = values(applyModule('flip', img, { axis: 'horizontal' })!).join();
  const v = values(applyModule('flip', img, { axis: 'vertical' })!).join();
  const b = values(applyModule('flip', img, { axis: 'both' })!).join();
  const id = values(img).join();
  const counts = { h: 0, v: 0, b: 0, id: 0 };
  for (let i = 0; i < 400; i++) {
    const o = values(
      run('random_flip', img, { horizontal: 0.3, vertical: 0.6, seed: 5 }, i)
    ).join();
    if (o === h) counts.h++;
    else if (o === v) counts.v++;
    else if (o === b) counts.b++;
    else if (o === id) counts.id++;
  }
  // Expected 0.3·0.4, 0.7·0.6, 0.3·0.6, 0.7·0.4 of 400 = 48, 168, 72, 112 (±4 sd).
  expect(Math.abs(counts.h - 48)).toBeLessThan(27);
  expect(Math.abs(counts.v - 168)).toBeLessThan(40);
  expect(Math.abs(counts.b - 72)).toBeLessThan(32);
  expect(Math.abs(counts.id - 112)).toBeLessThan(37);
});

test('random_affine applies exactly the drawn matrix, as cv2.warpAffine does', () => {
  const params = validateParams('random_affine', {
    max_angle: 25,
    min_scale: 0.8,
    max_scale: 1.2,
    max_shear: 10,
    max_translate: 0.1,
    fill: 3,
    seed: 11
  }) as unknown as RandomAffineParams;
  const dir = mkdtempSync(path.join(tmpdir(), 'medflow-aug-'));
  try {
    const jobs = [];
    const ours: DataDict[] = [];
    for (const [k, name] of (['u8b', 'f32', 'rgb'] as const).entries()) {
      const img = inputs[name];
      const ctx = { index: k, split: 'train' };
      const [h, w] = img.image.array.shape;
      const matrix = affineFor(params, h, w, itemRandom(params.seed, img, ctx));
      ours.push(applyModule('random_affine', img, { ...params }, ctx)!);
      const input = path.join(dir, `${name}.npy`);
      writeFileSync(input, writeNpy(img.image.array));
      jobs.push({ id: name, module: 'warp_affine', params: { matrix, fill: 3 }, input });
    }
    writeFileSync(path.join(dir, 'cases.json'), JSON.stringify(jobs));
    execFileSync(PYTHON, [path.join(__dirname, 'reference.py'), path.join(dir, 'cases.json'), dir]);
    jobs.forEach((job, k) => {
      const ref = parseNpy(readFileSync(path.join(dir, `${job.id}.npy`)), job.id);
      const a = ours[k].image.array.data as ArrayLike<number>;
      const b = ref.data as ArrayLike<number>;
      // uint8: OpenCV's fixed-point bilinear weights, at most 1 grey level; float: 1e-5.
      const tol = job.id === 'f32' ? 1e-5 : 1;
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      expect([job.id, worst <= tol]).toEqual([job.id, true]);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
