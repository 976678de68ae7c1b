/** The result of `pipeline.train()`: metrics, per-epoch history and the trained model. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { PipelineDocument } from '../../../../schema/documents';
import { tf } from '../backend';
import type { SplitName } from '../data/dataset';
import { gradCam, type GradCamOptions } from '../explain/gradcam';
import { GradCamView } from './gradcam-view';
import { MIME_BUNDLE, type MimeBundle } from '../mimebundle';
import { formatMetrics, type ClassificationMetrics } from '../metrics/classification';
import { predictSplit, type EpochRecord, type TensorSplit } from '../training/train';
import { resolveTraining } from '../training/settings';
import { loadModel, saveModel } from './model-io';

export interface RunExtras {
  /** Epoch whose weights the model has (keep_best), else the last. */
  best_epoch?: number;
  /** Epoch after which early stopping ended training, or null. */
  stopped_epoch?: number | null;
  /** The processed splits the run trained on (kept in memory for Grad-CAM; not saved). */
  data?: Partial<Record<SplitName, TensorSplit>>;
}

const RUN_FILE = 'run.json';
const PIPELINE_FILE = 'pipeline.json';

export class Run {
  readonly best_epoch: number;
  readonly stopped_epoch: number | null;
  private readonly data: Partial<Record<SplitName, TensorSplit>>;

  constructor(
    /** The pipeline document that produced this run (a snapshot). */
    readonly pipeline: PipelineDocument,
    /** Label of the compute backend, e.g. "wasm (2 threads, SIMD)". */
    readonly backend: string,
    readonly metrics: { val: ClassificationMetrics; test?: ClassificationMetrics },
    readonly history: EpochRecord[],
    readonly model: tf.LayersModel,
    /** Seconds of training (all epochs, with per-epoch validation). */
    readonly seconds: number,
    /** Training throughput, images per second. */
    readonly images_per_second: number,
    /** Seconds spent on image processing (0 when the cache had the result). */
    readonly preprocessing_seconds: number,
    extras: RunExtras = {}
  ) {
    this.best_epoch = extras.best_epoch ?? history.length;
    this.stopped_epoch = extras.stopped_epoch ?? null;
    this.data = extras.data ?? {};
  }

  toString(): string {
    const lines = [
      `Run of pipeline '${this.pipeline.name}' (seed ${this.pipeline.seed}) on ${this.backend}: ` +
        `${this.history.length} epochs in ${this.seconds.toFixed(1)} s ` +
        `(${this.images_per_second.toFixed(0)} images/s)` +
        (this.stopped_epoch !== null ? `, stopped early after epoch ${this.stopped_epoch}` : '') +
        (this.best_epoch !== this.history.length ? `, weights of epoch ${this.best_epoch}` : ''),
      `  val   ${formatMetrics(this.metrics.val)}`
    ];
    if (this.metrics.test) lines.push(`  test  ${formatMetrics(this.metrics.test)}`);
    return lines.join('\n');
  }

  [MIME_BUNDLE](): MimeBundle {
    return { 'text/plain': this.toString() };
  }

  /**
   * Grad-CAM heatmaps of processed images of a split (default test), e.g.
   * `run.gradCam([0, 1, 2])` or `run.gradCam([5], { split: 'val', layer: 'conv3' })`.
   */
  gradCam(indices: number[], options: GradCamOptions & { split?: SplitName } = {}): GradCamView {
    const split = options.split ?? 'test';
    const s = this.data[split];
    if (!s) {
      throw new Error(
        `grad-cam: the ${split} images of this run are not in memory (a loaded run has none); use mf.gradCam(run.model, images)`
      );
    }
    const size = s.shape[0] * s.shape[1] * s.shape[2];
    const x = new Float32Array(indices.length * size);
    indices.forEach((i, k) => {
      if (!Number.isInteger(i) || i < 0 || i >= s.labels.length) {
        throw new Error(
          `grad-cam: index ${i} is outside the ${split} split (0..${s.labels.length - 1})`
        );
      }
      x.set(s.x.subarray(i * size, (i + 1) * size), k * size);
    });
    const images = tf.tensor4d(x, [indices.length, ...s.shape]);
    try {
      const result = gradCam(this.model, images, options);
      const classes = this.pipeline.dataset?.classes;
      return new GradCamView(result, x, s.shape, {
        indices,
        labels: indices.map(i => s.labels[i]),
        classNames: classes
      });
    } finally {
      images.dispose();
    }
  }

  /**
   * Class scores (N × K, row-major) of the processed images of a split with their labels, or
   * undefined when the run holds no images of that split (a loaded run, a split without data).
   */
  async predictions(
    split: SplitName
  ): Promise<{ labels: Int32Array; probs: Float32Array; classes: number } | undefined> {
    const s = this.data[split];
    if (!s || s.labels.length === 0) return undefined;
    const classes = this.model.outputs[0].shape[1] as number;
    const loss = resolveTraining(this.pipeline.training).loss;
    const { probs } = await predictSplit(this.model, s, classes, 256, loss);
    return { labels: s.labels, probs, classes };
  }

  /**
   * Saves the trained model (model.json + weights.bin, tfjs layers format), the pipeline
   * document (pipeline.json) and the metrics and history (run.json) into a directory.
   */
  async save(dir: string): Promise<string[]> {
    mkdirSync(dir, { recursive: true });
    await saveModel(this.model, dir);
    writeFileSync(path.join(dir, PIPELINE_FILE), JSON.stringify(this.pipeline, null, 2));
    const record = {
      backend: this.backend,
      metrics: this.metrics,
      history: this.history,
      seconds: this.seconds,
      images_per_second: this.images_per_second,
      preprocessing_seconds: this.preprocessing_seconds,
      best_epoch: this.best_epoch,
      stopped_epoch: this.stopped_epoch
    };
    writeFileSync(path.join(dir, RUN_FILE), JSON.stringify(record, null, 2));
    return ['model.json', 'weights.bin', PIPELINE_FILE, RUN_FILE].map(f => path.join(dir, f));
  }

  /** Loads a run saved with `run.save(dir)`: the model with its weights, pipeline and metrics. */
  static async load(dir: string): Promise<Run> {
    const pipeline = JSON.parse(readFileSync(path.join(dir, PIPELINE_FILE), 'utf8'));
    const r = JSON.parse(readFileSync(path.join(dir, RUN_FILE), 'utf8'));
    const model = await loadModel(dir);
    return new Run(
      pipeline,
      r.backend,
      r.metrics,
      r.history,
      model,
      r.seconds,
      r.images_per_second,
      r.preprocessing_seconds,
      { best_epoch: r.best_epoch, stopped_epoch: r.stopped_epoch }
    );
  }

  /** Frees the model's weights. */
  dispose(): void {
    this.model.dispose();
  }
}
