/**
 * ROC curves (one-vs-rest) from labels and class scores, for the training view's final chart.
 * The curve steps through every distinct score (highest first), so its trapezoidal area equals
 * the rank-based AUC of metrics/classification.ts.
 */
import type { RocCurve } from '../../../../schema/views';
import { rocAuc } from '../metrics/classification';

/**
 * @param labels true class per item (N)
 * @param probs scores, row-major N × K
 * @param classes class names (K)
 * @param maxPoints curves longer than this are thinned (first and last points kept)
 */
export function rocCurves(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  classes: string[],
  maxPoints = 200
): RocCurve[] {
  const k = classes.length;
  const n = labels.length;
  if (probs.length !== n * k) {
    throw new Error(`roc: ${probs.length} scores for ${n} items × ${k} classes`);
  }
  // Two classes: one curve, of the positive class (1), as the metrics report it.
  const which = k === 2 ? [1] : classes.map((_, c) => c);
  return which.map(c => {
    const scores = Float64Array.from({ length: n }, (_, i) => probs[i * k + c]);
    const positive = Array.from({ length: n }, (_, i) => labels[i] === c);
    return {
      class: classes[c],
      ...curve(positive, scores, maxPoints),
      auc: rocAuc(positive, scores)
    };
  });
}

function curve(positive: boolean[], scores: Float64Array, maxPoints: number) {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  const p = positive.filter(Boolean).length;
  const q = positive.length - p;
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; i++) {
    if (positive[order[i]]) tp++;
    else fp++;
    // One point per distinct score: ties move the curve diagonally, as the AUC counts them.
    if (i + 1 === order.length || scores[order[i + 1]] !== scores[order[i]]) {
      fpr.push(q ? fp / q : 0);
      tpr.push(p ? tp / p : 0);
    }
  }
  if (fpr.length <= maxPoints) return { fpr, tpr };
  const step = (fpr.length - 1) / (maxPoints - 1);
  const keep = Array.from({ length: maxPoints }, (_, i) => Math.round(i * step));
  return { fpr: keep.map(i => fpr[i]), tpr: keep.map(i => tpr[i]) };
}
