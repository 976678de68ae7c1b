import { apportion, normalizeRatios, stratifiedSplit } from './split';
import { SPLITS } from './dataset';

test('stratified: every class is cut by the ratios within one item, all items used once', () => {
  // Unbalanced classes of awkward sizes.
  const sizes = [7, 103, 58, 1, 2];
  const labels = sizes.flatMap((n, c) => new Array<number>(n).fill(c));
  const ratios = { train: 0.7, val: 0.15, test: 0.15 };
  const parts = stratifiedSplit(labels, sizes.length, ratios, 42);
  const seen = new Set<number>();
  for (const s of SPLITS) {
    for (const i of parts[s]) {
      expect(seen.has(i)).toBe(false);
      seen.add(i);
    }
    sizes.forEach((n, c) => {
      const count = Array.from(parts[s]).filter(i => labels[i] === c).length;
      expect(Math.abs(count - n * ratios[s])).toBeLessThan(1);
    });
  }
  expect(seen.size).toBe(labels.length);
});

test('seeded: the same seed gives the same split, another seed another one', () => {
  const labels = Array.from({ length: 500 }, (_, i) => i % 3);
  const a = stratifiedSplit(labels, 3, undefined, 7);
  const b = stratifiedSplit(labels, 3, undefined, 7);
  const c = stratifiedSplit(labels, 3, undefined, 8);
  for (const s of SPLITS) expect(Array.from(a[s])).toEqual(Array.from(b[s]));
  expect(Array.from(a.val)).not.toEqual(Array.from(c.val));
  expect([a.train.length, a.val.length, a.test.length]).toEqual([350, 75, 75]);
});

test('ratios: missing splits are 0, bad ratios are refused with what was given', () => {
  expect(normalizeRatios({ train: 0.8, val: 0.2 })).toEqual({ train: 0.8, val: 0.2, test: 0 });
  expect(apportion(10, { train: 0.8, val: 0.2, test: 0 })).toEqual({ train: 8, val: 2, test: 0 });
  expect(apportion(3, { train: 0.5, val: 0.5, test: 0 })).toEqual({ train: 2, val: 1, test: 0 });
  expect(() => normalizeRatios({ train: 0.8, val: 0.3 })).toThrow(
    'split: ratios must sum to 1, got train 0.8 + val 0.3 + test 0 = 1.1'
  );
  expect(() => normalizeRatios({ train: -1, val: 2 })).toThrow(
    'ratio of train must be a number ≥ 0'
  );
  expect(() => normalizeRatios({ training: 1 } as never)).toThrow("unknown split 'training'");
});
