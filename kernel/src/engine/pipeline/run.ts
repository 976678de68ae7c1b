/** The result of `pipeline.train()`: metrics, per-epoch history and the trained model. */
import type { PipelineDocument } from '../../../../schema/documents';
import type { tf } from '../backend';
import { MIME_BUNDLE, type MimeBundle } from '../mimebundle';
import { formatMetrics, type ClassificationMetrics } from '../metrics/classification';
import type { EpochRecord } from '../training/train';

export class Run {
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
    readonly preprocessing_seconds: number
  ) {}

  toString(): string {
    const lines = [
      `Run of pipeline '${this.pipeline.name}' (seed ${this.pipeline.seed}) on ${this.backend}: ` +
        `${this.history.length} epochs in ${this.seconds.toFixed(1)} s ` +
        `(${this.images_per_second.toFixed(0)} images/s)`,
      `  val   ${formatMetrics(this.metrics.val)}`
    ];
    if (this.metrics.test) lines.push(`  test  ${formatMetrics(this.metrics.test)}`);
    return lines.join('\n');
  }

  [MIME_BUNDLE](): MimeBundle {
    return { 'text/plain': this.toString() };
  }

  /** Frees the model's weights. */
  dispose(): void {
    this.model.dispose();
  }
}
