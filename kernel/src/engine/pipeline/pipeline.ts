/**
 * The pipeline builder behind `mf.pipeline()`: dataset → image-processing steps → network →
 * training. The builder holds a pipeline document (schema/pipeline.schema.json) as its state,
 * so what a cell builds, what the graph widget shows and what gets exported are one thing.
 */
import type {
  NetworkDocument,
  PipelineDocument,
  PipelineStep,
  TrainingSettings
} from '../../../../schema/documents';
import { ensureBackend } from '../backend';
import { loadBuiltin, loadNpz } from '../data/builtin';
import type { Dataset } from '../data/dataset';
import { FILE_SOURCES, reloadDataset } from '../data/loaders';
import { MIME_BUNDLE, type MimeBundle } from '../mimebundle';
import { formatMetrics, type ClassificationMetrics } from '../metrics/classification';
import { validateParams } from '../modules/registry';
import { trainClassifier, type BatchEvent, type EpochRecord } from '../training/train';
import { resolveTraining } from '../training/settings';
import { documentValidator, formatErrors } from '../util/ajv';
import { preprocessAsync } from './preprocess';
import { previewSteps, type PipelinePreview, type PreviewOptions } from './preview';
import { writeFileSync } from 'node:fs';
import { pipelineScript } from './export';
import { Run } from './run';
import { autotune, type AutotuneOptions } from '../tuning/autotune';
import type { Study } from '../tuning/study';
import { ambientSignal } from '../cancel';
import { combineSignals, watchTraining } from './train-hooks';
import { liveRef } from '../live/objects';
import { bindPipeline, PIPELINE_TARGET } from '../live/pipeline-channel';

export const PIPELINE_MIME = 'application/vnd.medflow.pipeline+json';

export interface PipelineOptions {
  name: string;
  /** Seed of weight initialisation and shuffling; default 0. */
  seed?: number;
}

/** What changed in a pipeline (listeners redraw views; every mutation emits one). */
export type PipelineChange = 'input' | 'steps' | 'params' | 'network' | 'training';

/** Where `.add` puts a step: at an index of the step list (default: the end). */
export interface AddOptions {
  at?: number;
}

export interface PipelineTrainOptions {
  /** Stops training between batches; default: the ambient signal (kernel interrupt). */
  signal?: AbortSignal;
  /** Print one line per epoch with console.log (default true). */
  verbose?: boolean;
  onBatch?: (event: BatchEvent) => void;
  onEpoch?: (record: EpochRecord, valMetrics: ClassificationMetrics) => void;
  /**
   * Show a live training view (charts, stop button) in the running cell when in a kernel;
   * default: the value of `verbose`.
   */
  live?: boolean;
}

/** Throws with every schema problem of a pipeline document. */
export function validatePipelineDocument(doc: unknown): asserts doc is PipelineDocument {
  const validate = documentValidator('pipeline');
  if (!validate(doc)) {
    throw new Error(`invalid pipeline document: ${formatErrors(validate.errors, doc).join('; ')}`);
  }
}

export class Pipeline {
  private doc: PipelineDocument;
  private data: Dataset | undefined;
  private readonly listeners = new Set<(change: PipelineChange) => void>();

  constructor(options: PipelineOptions) {
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed)) throw new Error(`pipeline: seed must be an integer (got ${seed})`);
    if (!options.name) throw new Error('pipeline: a name is required');
    this.doc = {
      version: 1,
      name: options.name,
      seed,
      dataset: null,
      steps: [],
      network: null,
      training: {}
    };
  }

  get name(): string {
    return this.doc.name;
  }
  get seed(): number {
    return this.doc.seed;
  }
  /** The dataset given to .input(), if it was loaded in this session. */
  get dataset(): Dataset | undefined {
    return this.data;
  }

  /** The steps (copies), in order. */
  get steps(): PipelineStep[] {
    return structuredClone(this.doc.steps);
  }

  /**
   * Calls `listener` after every change (a cell's or a widget's); returns the function that
   * stops it. Views of the pipeline redraw from here.
   */
  onChange(listener: (change: PipelineChange) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private changed(change: PipelineChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }

  /** Sets the dataset the pipeline reads. */
  input(dataset: Dataset): this {
    this.data = dataset;
    this.doc.dataset = dataset.toRef();
    this.changed('input');
    return this;
  }

  /**
   * Adds an image-processing step (at the end, or at index `at`). Parameters are validated
   * against the module's schema now (defaults filled in), so mistakes surface in the cell that
   * makes them.
   */
  add(module: string, params: Record<string, unknown> = {}, options: AddOptions = {}): this {
    const at = options.at ?? this.doc.steps.length;
    this.checkIndex('add', at, this.doc.steps.length);
    const filled = validateParams(module, params);
    this.doc.steps.splice(at, 0, { id: this.freeId(module), module, params: filled });
    this.changed('steps');
    return this;
  }

  /** The step with this id (a copy); throws naming the known ids if there is none. */
  step(id: string): PipelineStep {
    return structuredClone(this.doc.steps[this.indexOf('step', id)]);
  }

  /** Removes a step by id. */
  remove(id: string): this {
    this.doc.steps.splice(this.indexOf('remove', id), 1);
    this.changed('steps');
    return this;
  }

  /** Moves a step to index `to` of the step list (the others keep their order). */
  move(id: string, to: number): this {
    const from = this.indexOf('move', id);
    this.checkIndex('move', to, this.doc.steps.length - 1);
    const [step] = this.doc.steps.splice(from, 1);
    this.doc.steps.splice(to, 0, step);
    this.changed('steps');
    return this;
  }

  /**
   * Changes parameters of a step: `params` are merged over the current ones and validated as
   * `.add` does; on error nothing changes. Returns this.
   */
  set(id: string, params: Record<string, unknown>): this {
    const index = this.indexOf('set', id);
    const step = this.doc.steps[index];
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw new Error(`set('${id}'): params must be an object (got ${JSON.stringify(params)})`);
    }
    const filled = validateParams(step.module, { ...step.params, ...params });
    this.doc.steps[index] = { ...step, params: filled };
    this.changed('params');
    return this;
  }

  /** Inserts a copy of a step right after it (a new id); returns the new step's id. */
  duplicate(id: string): string {
    const index = this.indexOf('duplicate', id);
    const step = this.doc.steps[index];
    const copy = {
      id: this.freeId(step.module),
      module: step.module,
      params: structuredClone(step.params)
    };
    this.doc.steps.splice(index + 1, 0, copy);
    this.changed('steps');
    return copy.id;
  }

  /**
   * Replaces every step at once (undo/redo of the widget): each is validated as `.add` does,
   * ids must be unique; on error nothing changes.
   */
  replaceSteps(steps: PipelineStep[]): this {
    if (!Array.isArray(steps)) throw new Error('replaceSteps: steps must be an array');
    const seen = new Set<string>();
    const next = steps.map((s, i) => {
      if (typeof s?.id !== 'string' || !/^[\w.-]+$/.test(s.id)) {
        throw new Error(`replaceSteps: step ${i} needs an id of letters, digits, '_', '.', '-'`);
      }
      if (seen.has(s.id)) throw new Error(`replaceSteps: step id '${s.id}' is used twice`);
      seen.add(s.id);
      return { id: s.id, module: s.module, params: validateParams(s.module, s.params ?? {}) };
    });
    this.doc.steps = next;
    this.changed('steps');
    return this;
  }

  private freeId(module: string): string {
    const used = new Set(this.doc.steps.map(s => s.id));
    let n = 1;
    while (used.has(`${module}_${n}`)) n++;
    return `${module}_${n}`;
  }

  private indexOf(what: string, id: string): number {
    const index = this.doc.steps.findIndex(s => s.id === id);
    if (index < 0) {
      const known = this.doc.steps.map(s => s.id).join(', ') || 'none';
      throw new Error(`${what}: pipeline '${this.name}' has no step '${id}' (steps: ${known})`);
    }
    return index;
  }

  private checkIndex(what: string, index: number, max: number): void {
    if (!Number.isInteger(index) || index < 0 || index > max) {
      throw new RangeError(`${what}: index must be an integer in 0…${max} (got ${index})`);
    }
  }

  /**
   * Sets the network (a network document, e.g. mf.networks.builtin('small_cnn', {...})); null
   * removes it.
   */
  network(doc: NetworkDocument | null): this {
    if (doc === null) {
      this.doc.network = null;
      this.changed('network');
      return this;
    }
    const validate = documentValidator('network');
    if (!validate(doc)) {
      throw new Error(`network: ${formatErrors(validate.errors, doc).join('; ')}`);
    }
    this.doc.network = structuredClone(doc);
    this.changed('network');
    return this;
  }

  /** Sets training hyperparameters (merged over earlier ones; checked now). */
  training(settings: TrainingSettings): this {
    const merged = { ...this.doc.training, ...settings };
    resolveTraining(merged);
    this.doc.training = structuredClone(merged);
    this.changed('training');
    return this;
  }

  /** The pipeline document (a copy), valid against schema/pipeline.schema.json. */
  toJSON(): PipelineDocument {
    return structuredClone(this.doc);
  }

  toString(): string {
    const d = this.doc;
    const fmt = (p: Record<string, unknown>) =>
      Object.entries(p)
        .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
        .join(', ');
    const lines = [`Pipeline '${d.name}' (seed ${d.seed})`];
    const ds = d.dataset;
    lines.push(
      ds
        ? `  dataset   ${ds.name} (${ds.source}${ds.shape ? `, ${ds.shape.join('×')}` : ''}${ds.classes ? `, ${ds.classes.length} classes` : ''})`
        : '  dataset   (none: call .input(dataset))'
    );
    d.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s.module} {${fmt(s.params)}}`));
    lines.push(
      d.network
        ? `  network   ${d.network.name} (${d.network.layers.length} layers)`
        : '  network   (none: call .network(doc))'
    );
    const t = resolveTraining(d.training);
    const opt = Object.entries(t.optimizer)
      .filter(([k]) => k !== 'name')
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    lines.push(
      `  training  epochs ${t.epochs}, batch_size ${t.batch_size}, ${t.optimizer.name} (${opt})` +
        (t.learning_rate_decay ? `, decay ${t.learning_rate_decay}/epoch` : '')
    );
    return lines.join('\n');
  }

  [MIME_BUNDLE](): MimeBundle {
    // `live` lets the graph widget reach this object over a comm (engine/live); a saved
    // notebook keeps the document as the widget's static fallback.
    return {
      'text/plain': this.toString(),
      [PIPELINE_MIME]: { ...this.toJSON(), live: liveRef(PIPELINE_TARGET, this, bindPipeline) }
    };
  }

  /**
   * Writes a runnable TypeScript script that rebuilds this pipeline from its document and trains
   * it with the same seed (see pipeline/export.ts); returns the script's text.
   */
  export(file?: string): string {
    const script = pipelineScript(this.toJSON());
    if (file !== undefined) writeFileSync(file, script);
    return script;
  }

  /**
   * Starts a hyper-parameter study of this pipeline (see tuning/): a genetic algorithm over the
   * parameters in `tune` (default learning_rate, batch_size, optimizer, learning_rate_decay),
   * trials on worker threads (or Redis workers with `redis`). Returns at once; `await
   * study.done`. `study.apply()` writes the chosen configuration back into this pipeline.
   */
  autotune(options: AutotuneOptions = {}): Study {
    return autotune(this.toJSON(), options, {
      dataset: this.data,
      applyToPipeline: doc => this.applyTuned(doc)
    });
  }

  /**
   * Takes the tunable parts of a document (a tuned configuration): training settings, the
   * network, and the parameters of steps with the same ids. Each part is checked as usual.
   */
  applyTuned(doc: PipelineDocument): this {
    const steps = this.doc.steps.map(s => {
      const tuned = doc.steps.find(t => t.id === s.id && t.module === s.module);
      return tuned ? { ...s, params: validateParams(s.module, tuned.params) } : s;
    });
    resolveTraining(doc.training); // checked before anything changes
    if (doc.network) this.network(doc.network);
    this.doc.training = structuredClone(doc.training);
    this.doc.steps = steps;
    // Views of the pipeline (the graph widget) redraw with the tuned values.
    this.changed('training');
    this.changed('params');
    return this;
  }

  /** Rebuilds a pipeline from a document, re-validating every part. */
  static fromJSON(doc: PipelineDocument): Pipeline {
    validatePipelineDocument(doc);
    const p = new Pipeline({ name: doc.name, seed: doc.seed });
    p.doc.dataset = structuredClone(doc.dataset);
    // Steps keep their ids; params are re-validated so hand-edited documents get defaults too.
    p.doc.steps = doc.steps.map(s => ({
      id: s.id,
      module: s.module,
      params: validateParams(s.module, s.params)
    }));
    if (doc.network) p.network(doc.network);
    p.training(doc.training);
    return p;
  }

  /**
   * The dataset given to .input(), or reloaded from the document's reference (a pipeline
   * rebuilt from JSON). Throws when there is none or it cannot be reloaded.
   */
  async loadInput(): Promise<Dataset> {
    if (this.data) return this.data;
    const ref = this.doc.dataset;
    if (!ref) throw new Error(`pipeline '${this.name}' has no dataset: call .input(dataset) first`);
    if (ref.source === 'builtin') this.data = await loadBuiltin(ref.name);
    else if (ref.source === 'npz' && ref.path) {
      this.data = await loadNpz(ref.path, { name: ref.name, classes: ref.classes });
    } else if (FILE_SOURCES.includes(ref.source) && ref.path) {
      this.data = await reloadDataset(ref);
    } else {
      throw new Error(
        `pipeline '${this.name}': cannot reload dataset '${ref.name}' (${ref.source}); call .input(dataset)`
      );
    }
    return this.data;
  }

  /** The image before and after every step for a few samples (see ./preview). */
  async preview(options?: PreviewOptions): Promise<PipelinePreview> {
    return previewSteps(await this.loadInput(), this.doc.steps, options);
  }

  /**
   * Preprocesses (cached), trains and evaluates. Prints one line per epoch unless
   * `verbose: false`. Cancelled through `signal` or the kernel's interrupt.
   */
  async train(options: PipelineTrainOptions = {}): Promise<Run> {
    const doc = this.toJSON();
    if (!doc.network)
      throw new Error(`pipeline '${doc.name}' has no network: call .network(doc) first`);
    const dataset = await this.loadInput();
    const settings = resolveTraining(doc.training);
    const verbose = options.verbose ?? true;
    const backend = await ensureBackend();
    const t0 = performance.now();
    const data = await preprocessAsync(dataset, doc.steps);
    const preprocessingSeconds = (performance.now() - t0) / 1000;
    const [h, w, c] = data.train.shape;
    if (verbose) {
      console.log(
        `training ${doc.network.name} on ${dataset.name} (${data.train.labels.length} train / ` +
          `${data.val.labels.length} val images, ${h}×${w}×${c}) for ${settings.epochs} epochs ` +
          `on ${backend.label}`
      );
    }
    const watch =
      (options.live ?? verbose)
        ? watchTraining({
            pipeline: doc,
            dataset: dataset.name,
            classes: dataset.classes,
            epochs: settings.epochs
          })
        : {};
    const signal = combineSignals(options.signal ?? ambientSignal(), watch.signal);
    let result: Awaited<ReturnType<typeof trainClassifier>>;
    try {
      result = await trainClassifier({
        network: doc.network,
        settings,
        seed: doc.seed,
        classes: dataset.classes,
        positiveClass: dataset.positiveClass,
        train: data.train,
        val: data.val,
        test: data.test,
        signal,
        onBatch: event => {
          watch.onBatch?.(event);
          options.onBatch?.(event);
        },
        onEpoch: (record, metrics) => {
          watch.onEpoch?.(record);
          if (verbose) {
            console.log(
              `epoch ${record.epoch}/${settings.epochs}  loss ${record.loss.toFixed(4)}  ` +
                `val_loss ${record.val_loss.toFixed(4)}  val_accuracy ${record.val_accuracy.toFixed(4)}  ` +
                `val_auc ${record.val_auc.toFixed(4)}  ${record.seconds.toFixed(1)} s ` +
                `(${record.images_per_second.toFixed(0)} images/s)`
            );
          }
          options.onEpoch?.(record, metrics);
        }
      });
    } catch (error) {
      watch.onError?.(error);
      throw error;
    }
    if (verbose && result.metrics.test) console.log(`test  ${formatMetrics(result.metrics.test)}`);
    const run = new Run(
      doc,
      backend.label,
      result.metrics,
      result.history,
      result.model,
      result.seconds,
      result.images_per_second,
      preprocessingSeconds,
      { best_epoch: result.best_epoch, stopped_epoch: result.stopped_epoch, data }
    );
    await watch.onEnd?.(run);
    return run;
  }
}

/** Rebuilds a pipeline from its document (the dataset is reloaded when training, if needed). */
export function pipelineFromJSON(doc: PipelineDocument): Pipeline {
  return Pipeline.fromJSON(doc);
}
