import { rocAuc } from '../metrics/classification';
import { rocCurves } from './roc';

test('a hand-checked curve: one point per distinct score, ties move diagonally', () => {
  // scores of class 1 (two classes: one curve, of the positive class)
  const labels = [1, 0, 1, 0, 1];
  const p1 = [0.9, 0.8, 0.7, 0.7, 0.1];
  const probs = p1.flatMap(p => [1 - p, p]);
  const [curve] = rocCurves(labels, probs, ['no', 'yes']);
  expect(curve.class).toBe('yes');
  expect(curve.tpr).toEqual([0, 1 / 3, 1 / 3, 2 / 3, 1]);
  expect(curve.fpr).toEqual([0, 0, 0.5, 1, 1]);
  expect(curve.auc).toBeCloseTo(
    rocAuc(
      labels.map(l => l === 1),
      p1
    ),
    12
  );
});

test('trapezoidal area equals the rank AUC; more classes give one curve each; thinning keeps ends', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const n = 1000;
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const probs = labels.flatMap(l => [0, 1, 2].map(c => (c === l ? 0.3 : 0) + rnd()));
  const curves = rocCurves(labels, probs, ['a', 'b', 'c'], 10000);
  expect(curves.map(c => c.class)).toEqual(['a', 'b', 'c']);
  for (const c of curves) {
    let area = 0;
    for (let i = 1; i < c.fpr.length; i++) {
      area += ((c.fpr[i] - c.fpr[i - 1]) * (c.tpr[i] + c.tpr[i - 1])) / 2;
    }
    expect(area).toBeCloseTo(c.auc, 10);
    expect(c.auc).toBeGreaterThan(0.6);
  }
  const thin = rocCurves(labels, probs, ['a', 'b', 'c'], 50)[0];
  expect(thin.fpr).toHaveLength(50);
  expect([thin.fpr[0], thin.fpr[49], thin.tpr[49]]).toEqual([0, 1, 1]);
  expect(() => rocCurves([0, 1], [0.5], ['a', 'b'])).toThrow(
    'roc: 1 scores for 2 items × 2 classes'
  );
});
