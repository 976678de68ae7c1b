/** Our metrics against scikit-learn on the same predictions. */
import { runPython } from '../testing/python';
import { seededRandom } from '../util/random';
import { classificationMetrics, rocAuc } from './classification';

interface SkReference {
  accuracy: number;
  confusion: number[][];
  recall: number[];
  precision: number[];
  f1: number[];
  auc: number[];
  specificity: number[];
  npv: number[];
}

/** sklearn's view of labels + probabilities (K classes), per class one-vs-rest. */
function sklearn(labels: Int32Array, probs: Float32Array, k: number): SkReference {
  return runPython<SkReference>(
    `import numpy as np
from sklearn import metrics as M
y = np.load(files['y']); p = np.load(files['p']).reshape(len(y), ${k}); pred = p.argmax(1)
cm = M.confusion_matrix(y, pred, labels=list(range(${k})))
def spec(c):
    yt, yp = (y != c), (pred != c)
    return M.recall_score(yt, yp, zero_division=0)
def npv(c):
    yt, yp = (y != c), (pred != c)
    return M.precision_score(yt, yp, zero_division=0)
print(json.dumps({
  'accuracy': M.accuracy_score(y, pred), 'confusion': cm.tolist(),
  'recall': M.recall_score(y, pred, average=None, labels=list(range(${k})), zero_division=0).tolist(),
  'precision': M.precision_score(y, pred, average=None, labels=list(range(${k})), zero_division=0).tolist(),
  'f1': M.f1_score(y, pred, average=None, labels=list(range(${k})), zero_division=0).tolist(),
  'auc': [M.roc_auc_score(y == c, p[:, c]) for c in range(${k})],
  'specificity': [spec(c) for c in range(${k})], 'npv': [npv(c) for c in range(${k})]}))`,
    {
      y: { data: labels, shape: [labels.length], dtype: 'int32' },
      p: { data: probs, shape: [probs.length], dtype: 'float32' }
    }
  );
}

/** Noisy but informative predictions, with ties (probabilities rounded to 0.05). */
function fakePredictions(n: number, k: number, seed: number) {
  const rng = seededRandom(seed);
  const labels = Int32Array.from({ length: n }, () => Math.floor(rng() * k));
  const probs = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const v = rng() + (c === labels[i] ? 0.6 * rng() : 0);
      probs[i * k + c] = v;
      sum += v;
    }
    for (let c = 0; c < k; c++) probs[i * k + c] = Math.round((probs[i * k + c] / sum) * 20) / 20;
  }
  return { labels, probs };
}

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-6);

test.each([
  [2, 1, 300],
  [2, 0, 97],
  [3, 1, 250],
  [5, 1, 400]
])('%i classes (positive class %i, %i items) match scikit-learn', (k, positive, n) => {
  const { labels, probs } = fakePredictions(n, k, k * 100 + n);
  const classes = Array.from({ length: k }, (_, i) => `c${i}`);
  const ours = classificationMetrics(labels, probs, classes, positive);
  const ref = sklearn(labels, probs, k);
  close(ours.accuracy, ref.accuracy);
  expect(ours.confusion).toEqual(ref.confusion);
  ours.perClass.forEach((m, c) => {
    close(m.sensitivity, ref.recall[c]);
    close(m.ppv, ref.precision[c]);
    close(m.f1, ref.f1[c]);
    close(m.auc, ref.auc[c]);
    close(m.specificity, ref.specificity[c]);
    close(m.npv, ref.npv[c]);
    expect(m.support).toBe(labels.filter(l => l === c).length);
  });
  if (k === 2) {
    close(ours.sensitivity, ref.recall[positive]);
    close(ours.specificity, ref.specificity[positive]);
    close(ours.ppv, ref.precision[positive]);
    close(ours.npv, ref.npv[positive]);
    close(ours.auc, ref.auc[positive]);
  } else {
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    close(ours.sensitivity, mean(ref.recall));
    close(ours.f1, mean(ref.f1));
    close(ours.auc, mean(ref.auc));
  }
});

test('degenerate cases: one class present, empty denominators', () => {
  expect(rocAuc([true, true], [0.1, 0.9])).toBeNaN();
  const m = classificationMetrics([1, 1, 1], [0, 1, 0, 1, 0, 1], ['normal', 'pneumonia']);
  expect(m.accuracy).toBe(1);
  expect(m.specificity).toBe(0);
  expect(m.npv).toBe(0);
  expect(m.confusion).toEqual([
    [0, 0],
    [0, 3]
  ]);
  expect(() => classificationMetrics([0], [1], ['a', 'b'])).toThrow(
    'metrics: 1 probabilities for 1 items × 2 classes'
  );
});
