/**
 * One trial: the pipeline document with the trial's configuration written into it, trained
 * with early stopping, reduced to the numbers a study keeps. Runs wherever it is called: in the
 * kernel, in a worker thread (trial-worker.ts) or in a `medflow worker` process on another
 * machine. The job is plain JSON, so it travels through postMessage and Redis alike.
 */
import type { PipelineDocument } from '../../../../schema/documents';
import type { Objective, SearchParameter } from '../../../../schema/study';
import { loadBuiltin, loadNpz } from '../data/builtin';
import type { Dataset } from '../data/dataset';
import { FILE_SOURCES, reloadDataset } from '../data/loaders';
import type { ClassificationMetrics } from '../metrics/classification';
import { Pipeline } from '../pipeline/pipeline';
import { MONITORS } from '../training/settings';
import { applyParams, type Params } from './space';

export interface TrialJob {
  /** Unique over studies: "<study id>:<trial id>:<attempt>". */
  key: string;
  trialId: string;
  attempt: number;
  /** The pipeline to train, the trial's configuration already written in. */
  pipeline: PipelineDocument;
}

export interface TrialOutcome {
  metrics: Record<string, number>;
  history: Array<Record<string, number>>;
  seconds: number;
  worker?: string;
  /** The tfjs backend that trained it, e.g. "wasm (1 thread, SIMD)". */
  backend?: string;
  /** Extra starts the executor needed (a Redis job taken over after its worker died). */
  restarts?: number;
}

/**
 * The document a trial trains: the configuration applied, and — unless the pipeline sets its
 * own — early stopping on the primary objective (patience 3) and the weights of the best epoch
 * by that objective, so a trial reports what its configuration can reach.
 */
export function trialDocument(
  base: PipelineDocument,
  space: readonly SearchParameter[],
  params: Params,
  objectives: readonly Objective[]
): PipelineDocument {
  const doc = applyParams(base, space, params);
  const primary = objectives[0];
  const watched = (MONITORS as readonly string[]).includes(primary.metric)
    ? primary.metric
    : 'val_loss';
  const mode = watched === primary.metric ? primary.direction : 'min';
  doc.training.early_stopping ??= { metric: watched, mode, patience: 3 };
  doc.training.keep_best ??= { metric: watched, mode };
  return doc;
}

const datasets = new Map<string, Promise<Dataset>>();

/** One dataset instance per reference and thread, so the preprocessing cache hits across trials. */
function datasetFor(doc: PipelineDocument): Promise<Dataset> {
  const ref = doc.dataset;
  if (!ref) throw new Error(`pipeline '${doc.name}' has no dataset`);
  const key = JSON.stringify([ref.source, ref.name, ref.path, ref.classes, ref.options]);
  let ds = datasets.get(key);
  if (!ds) {
    if (ref.source === 'builtin') ds = loadBuiltin(ref.name);
    else if (ref.source === 'npz' && ref.path)
      ds = loadNpz(ref.path, { name: ref.name, classes: ref.classes });
    else if (FILE_SOURCES.includes(ref.source) && ref.path) ds = reloadDataset(ref);
    else {
      throw new Error(
        `dataset '${ref.name}' (${ref.source}) cannot be read again from its reference: ` +
          'tune with threads: 0, or use a built-in, .npz or folder dataset'
      );
    }
    datasets.set(key, ds);
    ds.catch(() => datasets.delete(key));
  }
  return ds;
}

function flatten(
  prefix: string,
  m: ClassificationMetrics | undefined,
  out: Record<string, number>
) {
  if (!m) return;
  const values: Record<string, number | undefined> = {
    accuracy: m.accuracy,
    auc: m.auc,
    loss: m.loss,
    sensitivity: m.sensitivity,
    specificity: m.specificity,
    ppv: m.ppv,
    npv: m.npv,
    f1: m.f1
  };
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'number' && Number.isFinite(v)) out[`${prefix}_${k}`] = v;
  }
  // Per class (one-vs-rest), as `val_f1.pneumonia`: the tuning view's class filter.
  for (const c of m.perClass) {
    for (const k of ['sensitivity', 'specificity', 'ppv', 'npv', 'f1', 'auc'] as const) {
      if (Number.isFinite(c[k])) out[`${prefix}_${k}.${c.class}`] = c[k];
    }
  }
}

/**
 * Trains one trial. Throws on failure (an exception in training, a loss that became NaN);
 * `dataset` is the live dataset when the caller has one (in-process trials).
 */
export async function runTrial(
  job: TrialJob,
  options: { signal?: AbortSignal; dataset?: Dataset } = {}
): Promise<TrialOutcome> {
  const started = performance.now();
  const p = Pipeline.fromJSON(job.pipeline);
  p.input(options.dataset ?? (await datasetFor(job.pipeline)));
  const run = await p.train({ verbose: false, signal: options.signal });
  try {
    const nan = run.history.find(r => !Number.isFinite(r.loss));
    if (nan) throw new Error(`the training loss became ${nan.loss} in epoch ${nan.epoch}`);
    const metrics: Record<string, number> = {};
    flatten('val', run.metrics.val, metrics);
    flatten('test', run.metrics.test, metrics);
    const best = run.history[run.best_epoch - 1] ?? run.history[run.history.length - 1];
    metrics.loss = best.loss;
    metrics.epochs = run.history.length;
    metrics.best_epoch = run.best_epoch;
    const history = run.history.map(r => {
      const entry: Record<string, number> = {};
      for (const k of [
        'epoch',
        'loss',
        'val_loss',
        'val_accuracy',
        'val_auc',
        'val_sensitivity',
        'val_specificity',
        'val_f1',
        'learning_rate',
        'seconds'
      ] as const) {
        if (Number.isFinite(r[k])) entry[k] = r[k];
      }
      return entry;
    });
    return {
      metrics,
      history,
      seconds: (performance.now() - started) / 1000,
      backend: run.backend
    };
  } finally {
    run.model.dispose();
  }
}
