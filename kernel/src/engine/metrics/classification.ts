/**
 * Classification metrics from true labels and predicted class probabilities: accuracy,
 * sensitivity, specificity, PPV, NPV, F1, ROC AUC, the confusion matrix, and all of them per
 * class (one-vs-rest). For two classes the headline numbers are those of the positive class
 * (the finding, e.g. pneumonia); for more classes they are macro averages. A ratio whose
 * denominator is 0 is reported as 0, as scikit-learn does with zero_division=0.
 */

export interface ClassMetrics {
  class: string;
  support: number;
  sensitivity: number;
  specificity: number;
  ppv: number;
  npv: number;
  f1: number;
  auc: number;
}

export interface ClassificationMetrics {
  accuracy: number;
  sensitivity: number;
  specificity: number;
  ppv: number;
  npv: number;
  f1: number;
  auc: number;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  perClass: ClassMetrics[];
  /** Mean cross-entropy, when the caller computed it. */
  loss?: number;
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/**
 * ROC AUC of scores for a binary target (Mann–Whitney U with average ranks for ties, equal to
 * the trapezoidal area under the ROC curve). NaN when only one class is present.
 */
export function rocAuc(isPositive: ArrayLike<boolean>, scores: ArrayLike<number>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1; // ranks are 1-based
    for (let k = i; k <= j; k++) {
      if (isPositive[idx[k]]) {
        positives++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * @param labels true class indices (N)
 * @param probs predicted probabilities, row-major N × K
 * @param classes class names (K)
 * @param positiveClass which class is "positive" for two-class headline numbers
 */
export function classificationMetrics(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  classes: string[],
  positiveClass = 1
): ClassificationMetrics {
  const k = classes.length;
  const n = labels.length;
  if (probs.length !== n * k) {
    throw new Error(`metrics: ${probs.length} probabilities for ${n} items × ${k} classes`);
  }
  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
    predicted[i] = best;
  }
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    confusion[labels[i]][predicted[i]]++;
    if (labels[i] === predicted[i]) correct++;
  }
  const perClass: ClassMetrics[] = classes.map((name, c) => {
    const tp = confusion[c][c];
    let fn = 0;
    let fp = 0;
    for (let o = 0; o < k; o++) {
      if (o === c) continue;
      fn += confusion[c][o];
      fp += confusion[o][c];
    }
    const tn = n - tp - fn - fp;
    const sensitivity = ratio(tp, tp + fn);
    const ppv = ratio(tp, tp + fp);
    const isPositive = Array.from({ length: n }, (_, i) => labels[i] === c);
    const scores = Array.from({ length: n }, (_, i) => probs[i * k + c]);
    return {
      class: name,
      support: tp + fn,
      sensitivity,
      specificity: ratio(tn, tn + fp),
      ppv,
      npv: ratio(tn, tn + fn),
      f1: ratio(2 * tp, 2 * tp + fp + fn),
      auc: rocAuc(isPositive, scores)
    };
  });
  const accuracy = ratio(correct, n);
  if (k === 2) {
    const p = perClass[positiveClass];
    return { accuracy, ...pick(p), confusion, perClass };
  }
  const mean = (key: keyof ReturnType<typeof pick>) =>
    perClass.reduce((s, m) => s + m[key], 0) / Math.max(1, k);
  return {
    accuracy,
    sensitivity: mean('sensitivity'),
    specificity: mean('specificity'),
    ppv: mean('ppv'),
    npv: mean('npv'),
    f1: mean('f1'),
    auc: mean('auc'),
    confusion,
    perClass
  };
}

function pick(m: ClassMetrics) {
  const { sensitivity, specificity, ppv, npv, f1, auc } = m;
  return { sensitivity, specificity, ppv, npv, f1, auc };
}

/** One line, e.g. "acc 0.851  sens 0.923  spec 0.731  auc 0.912". */
export function formatMetrics(m: ClassificationMetrics): string {
  const f = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
  return (
    `accuracy ${f(m.accuracy)}  sensitivity ${f(m.sensitivity)}  specificity ${f(m.specificity)}  ` +
    `ppv ${f(m.ppv)}  npv ${f(m.npv)}  f1 ${f(m.f1)}  auc ${f(m.auc)}`
  );
}
