/**
 * The training view's model, framework-free: reading a TrainingViewState sent by the kernel
 * (or saved in the notebook), and the chart series, progress and tables the view draws.
 */
import type {
  TrainingEpochPoint,
  TrainingFinal,
  TrainingStatus,
  TrainingViewState
} from '../../schema/views';
import type { ReadResult } from '../live/read-result';

export const TRAINING_MIME_TYPE = 'application/vnd.medflow.training+json';

/** Validation metrics the metric chart offers (per class where the engine reports them). */
export const TRAINING_METRICS = ['accuracy', 'auc', 'sensitivity', 'specificity', 'f1'] as const;
export type TrainingMetric = (typeof TRAINING_METRICS)[number];

const STATUSES: TrainingStatus[] = ['running', 'done', 'stopped', 'failed'];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumberArray = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every(x => typeof x === 'number');

/**
 * Checks a state from the kernel or a saved notebook: the parts the view reads must have the
 * right types (anything else could break the charts). Grad-CAM images must be plain base64.
 */
export function readTrainingState(raw: unknown): ReadResult<TrainingViewState> {
  if (!isObject(raw)) return { ok: false, reason: 'the training state is not an object' };
  if (raw.version !== 1) return { ok: false, reason: `unsupported version ${String(raw.version)}` };
  if (!STATUSES.includes(raw.status as TrainingStatus)) {
    return { ok: false, reason: `unknown status ${JSON.stringify(raw.status)}` };
  }
  if (!Array.isArray(raw.classes) || !raw.classes.every(c => typeof c === 'string')) {
    return { ok: false, reason: 'classes must be a list of names' };
  }
  if (!Array.isArray(raw.history) || !raw.history.every(isEpochPoint)) {
    return { ok: false, reason: 'history must be a list of epochs with numeric metrics' };
  }
  if (raw.final !== undefined) {
    const f = raw.final as TrainingFinal;
    const ok =
      isObject(f) &&
      Array.isArray(f.confusion) &&
      f.confusion.every(isNumberArray) &&
      Array.isArray(f.roc) &&
      f.roc.every(r => isNumberArray(r.fpr) && isNumberArray(r.tpr)) &&
      Array.isArray(f.gradcam) &&
      f.gradcam.every(g => typeof g.png === 'string' && BASE64.test(g.png));
    if (!ok) return { ok: false, reason: 'the final evaluation is malformed' };
  }
  return { ok: true, value: raw as unknown as TrainingViewState };
}

function isEpochPoint(v: unknown): v is TrainingEpochPoint {
  return (
    isObject(v) &&
    ['epoch', 'loss', 'val_loss', 'val_accuracy'].every(k => typeof v[k] === 'number') &&
    Array.isArray(v.per_class)
  );
}

/** Reads the `{ state, live? }` data of the MIME bundle. */
export function readTrainingBundle(data: unknown): ReadResult<TrainingViewState> {
  if (!isObject(data)) return { ok: false, reason: 'the output data is not an object' };
  return readTrainingState(data.state);
}

export interface Series {
  name: string;
  x: number[];
  y: number[];
  /** Dashed for validation, solid for training. */
  dash?: boolean;
}

/** Training and validation loss per epoch. */
export function lossSeries(state: TrainingViewState, trans = (s: string) => s): Series[] {
  const x = state.history.map(h => h.epoch);
  return [
    { name: trans('train loss'), x, y: state.history.map(h => h.loss) },
    { name: trans('val loss'), x, y: state.history.map(h => h.val_loss), dash: true }
  ];
}

/**
 * One validation metric per epoch; with `perClass`, one series per class instead (two classes
 * report per-class numbers one-vs-rest, so both lines are shown).
 */
export function metricSeries(
  state: TrainingViewState,
  metric: TrainingMetric,
  perClass: boolean
): Series[] {
  const x = state.history.map(h => h.epoch);
  if (!perClass || metric === 'accuracy') {
    return [
      {
        name: `val ${metric}`,
        x,
        y: state.history.map(h => h[`val_${metric}` as keyof TrainingEpochPoint] as number),
        dash: true
      }
    ];
  }
  return state.classes.map((c, k) => ({
    name: `${c} ${metric}`,
    x,
    y: state.history.map(h => h.per_class[k]?.[metric] ?? NaN)
  }));
}

/** How far training is, 0..1, and the words for it ("epoch 2/5 · batch 3/9"). */
export function progress(state: TrainingViewState): { fraction: number; epoch: number } {
  const done = state.history.length;
  if (state.status === 'done' || state.epochs <= 0) return { fraction: 1, epoch: done };
  const b = state.batch;
  const within = b && b.epoch === done + 1 && b.batches > 0 ? b.batch / b.batches : 0;
  return { fraction: Math.min(1, (done + within) / state.epochs), epoch: done + (b ? 1 : 0) };
}

/** The confusion matrix with each row's share of its true class (for the cell shading). */
export function confusionCells(confusion: number[][]): { count: number; share: number }[][] {
  return confusion.map(row => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map(count => ({ count, share: total > 0 ? count / total : 0 }));
  });
}

/** Best epoch by validation loss (what the metrics of the finished run reflect by default). */
export function bestEpoch(state: TrainingViewState): TrainingEpochPoint | undefined {
  return state.history.reduce<TrainingEpochPoint | undefined>(
    (best, h) => (best === undefined || h.val_loss < best.val_loss ? h : best),
    undefined
  );
}
