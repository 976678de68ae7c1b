/**
 * The live training view, engine side: `p.train()` in a kernel shows one (through the display
 * hook) that follows the run epoch by epoch, ends with the confusion matrix, ROC curves and
 * Grad-CAM samples, and stops training when the widget's stop button is pressed.
 *
 * The view holds the whole TrainingViewState and sends it as a `state` message on each change
 * (batches throttled): states are small (a few numbers per epoch) and a widget that connects
 * late needs no replay. The display is also updated at each epoch and at the end, so a saved
 * notebook keeps the last state.
 */
import type {
  GradCamSample,
  TrainingBatchPoint,
  TrainingEpochPoint,
  TrainingFinal,
  TrainingViewState
} from '../../../../schema/views';
import { CancelledError } from '../cancel';
import { liveRef, type LiveBind } from '../live/objects';
import { MIME_BUNDLE, type MimeBundle } from '../mimebundle';
import type { ClassificationMetrics } from '../metrics/classification';
import type { Run } from '../pipeline/run';
import type { TrainingStart } from '../pipeline/train-hooks';
import type { BatchEvent, EpochRecord } from '../training/train';
import { rocCurves } from './roc';

export const TRAINING_MIME = 'application/vnd.medflow.training+json';
export const TRAINING_TARGET = 'medflow.training';
/** Batch updates reach the widget at most this often (epochs and the end always at once). */
const BATCH_INTERVAL_MS = 250;
const GRADCAM_SAMPLES = 4;

/** What changed: batch progress (may be throttled) or anything else (sent at once). */
export type TrainingChange = 'batch' | 'change';
type Listener = (state: TrainingViewState, change: TrainingChange) => void;

export class TrainingView {
  #state: TrainingViewState;
  readonly #controller = new AbortController();
  readonly #listeners = new Set<Listener>();

  constructor(start: TrainingStart) {
    this.#state = {
      version: 1,
      pipeline: start.pipeline.name,
      network: start.pipeline.network?.name ?? '',
      dataset: start.dataset,
      classes: start.classes.slice(),
      epochs: start.epochs,
      status: 'running',
      history: []
    };
  }

  get state(): TrainingViewState {
    return structuredClone(this.#state);
  }

  /** Aborted by stop(): training ends after the current batch. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Stops the run (the widget's stop button); ignored once training has ended. */
  stop(): void {
    if (this.#state.status === 'running') this.#controller.abort();
  }

  batch(event: BatchEvent): void {
    const batch: TrainingBatchPoint = { ...event };
    this.#update({ batch }, 'batch');
  }

  epoch(record: EpochRecord): void {
    this.#update({ history: [...this.#state.history, epochPoint(record)] }, 'change');
  }

  /** The end of a run: evaluation on the test split (val without one) and Grad-CAM samples. */
  async finish(run: Run): Promise<void> {
    const split = run.metrics.test ? 'test' : 'val';
    const metrics = (run.metrics.test ?? run.metrics.val) as ClassificationMetrics;
    const final: TrainingFinal = {
      split,
      metrics: headline(metrics),
      confusion: metrics.confusion,
      roc: [],
      gradcam: []
    };
    const predicted = await run.predictions(split);
    if (predicted) {
      final.roc = rocCurves(predicted.labels, predicted.probs, this.#state.classes);
      final.gradcam = gradCamSamples(run, split, predicted.labels, this.#state.classes);
    }
    this.#update({ status: 'done', batch: undefined, final }, 'change');
  }

  /** Training failed, or was stopped (by the widget or a kernel interrupt). */
  fail(error: unknown): void {
    const stopped = error instanceof CancelledError;
    const message = error instanceof Error ? error.message : String(error);
    this.#update({ status: stopped ? 'stopped' : 'failed', message }, 'change');
  }

  /** Calls `listener` after every change; returns the function that unsubscribes it. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  toString(): string {
    const s = this.#state;
    const last = s.history[s.history.length - 1];
    const where = last
      ? `epoch ${last.epoch}/${s.epochs}, val_accuracy ${last.val_accuracy.toFixed(4)}`
      : `0/${s.epochs} epochs`;
    return `Training ${s.network} on ${s.dataset} (${s.status}, ${where})`;
  }

  [MIME_BUNDLE](): MimeBundle {
    return {
      'text/plain': this.toString(),
      [TRAINING_MIME]: { state: this.state, live: liveRef(TRAINING_TARGET, this, bindTraining) }
    };
  }

  #update(change: Partial<TrainingViewState>, kind: TrainingChange): void {
    this.#state = { ...this.#state, ...change };
    if (change.batch === undefined && 'batch' in change) delete this.#state.batch;
    for (const listener of this.#listeners) listener(this.#state, kind);
  }
}

/** Wires a widget's channel to a view: state out (batches throttled), `stop` in. */
export const bindTraining: LiveBind<TrainingView> = (channel, view) => {
  channel.send({ type: 'state', state: view.state });
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    channel.send({ type: 'state', state: view.state });
  };
  const off = view.subscribe((_, change) => {
    if (change === 'change') {
      clearTimeout(timer);
      flush();
    } else if (!timer) {
      timer = setTimeout(flush, BATCH_INTERVAL_MS);
      timer.unref();
    }
  });
  channel.onMessage(message => {
    if (message.type === 'stop') view.stop();
    else channel.send({ type: 'error', message: `unknown message '${String(message.type)}'` });
  });
  return () => {
    clearTimeout(timer);
    off();
  };
};

function epochPoint(r: EpochRecord): TrainingEpochPoint {
  return {
    epoch: r.epoch,
    loss: r.loss,
    val_loss: r.val_loss,
    val_accuracy: r.val_accuracy,
    val_auc: r.val_auc,
    val_sensitivity: r.val_sensitivity,
    val_specificity: r.val_specificity,
    val_f1: r.val_f1,
    learning_rate: r.learning_rate,
    seconds: r.seconds,
    images_per_second: r.images_per_second,
    per_class: r.val.perClass.map(c => ({
      class: c.class,
      sensitivity: c.sensitivity,
      specificity: c.specificity,
      f1: c.f1,
      auc: c.auc
    }))
  };
}

function headline(m: ClassificationMetrics): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of ['accuracy', 'auc', 'sensitivity', 'specificity', 'ppv', 'npv', 'f1', 'loss']) {
    const v = (m as unknown as Record<string, unknown>)[k];
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  return out;
}

/** Grad-CAM of the first image of each class (then the next ones), up to GRADCAM_SAMPLES. */
function gradCamSamples(
  run: Run,
  split: 'test' | 'val',
  labels: Int32Array,
  classes: string[]
): GradCamSample[] {
  const picked: number[] = [];
  for (let round = 0; picked.length < GRADCAM_SAMPLES && round < labels.length; round++) {
    const before = picked.length;
    for (let c = 0; c < classes.length && picked.length < GRADCAM_SAMPLES; c++) {
      let seen = 0;
      for (let i = 0; i < labels.length; i++) {
        if (labels[i] === c && seen++ === round) {
          picked.push(i);
          break;
        }
      }
    }
    if (picked.length === before) break;
  }
  try {
    const view = run.gradCam(picked, { split });
    return picked.map((index, k) => {
      const cls = view.result.classes[k];
      return {
        index,
        label: classes[labels[index]] ?? String(labels[index]),
        predicted: classes[cls] ?? String(cls),
        probability: view.result.probabilities[k][cls],
        png: Buffer.from(view.png(k)).toString('base64')
      };
    });
  } catch {
    // A network without a convolution has no Grad-CAM: the view then shows none.
    return [];
  }
}
