/**
 * The processing result of a pipeline for a few chosen samples: the image before and after
 * every step with its shape, dtype, value range, mean and histogram — the data the pipeline
 * widget shows — plus a text table and a PNG grid (rows: samples, columns: steps) for plain
 * notebook display.
 */
import type { PipelineStep } from '../../../../schema/documents';
import type { Dataset, SplitName } from '../data/dataset';
import type { DataDict } from '../data/datadict';
import type { DType } from '../data/ndarray';
import { encodePng } from '../data/png';
import { MIME_BUNDLE, type MimeBundle } from '../mimebundle';
import { moduleRevision } from '../modules/registry';
import { applyStepsAsync } from './preprocess';

export const PREVIEW_MIME = 'application/vnd.medflow.preview+json';

export interface PreviewOptions {
  /** How many samples (default 3), spread evenly over the split; ignored with `indices`. */
  samples?: number;
  /** Item indices to show. */
  indices?: number[];
  /** Split to take samples from (default 'train'). */
  split?: SplitName;
  /** Histogram bins (default 64). */
  bins?: number;
}

export interface StageSummary {
  /** 'input' for the loaded image, else the step id. */
  step: string;
  module: string | null;
  shape: number[];
  dtype: DType;
  /** Smallest and largest value of the image. */
  range: [number, number];
  mean: number;
  /** Counts of `bins` equal-width bins spanning `range`. */
  histogram: { counts: number[]; lo: number; hi: number };
  /** The image stretched to 8 bits (min–max) as a base64 PNG. */
  png: string;
}

export interface SamplePreview {
  split: SplitName;
  index: number;
  label: string | null;
  stages: StageSummary[];
  /** Id of the step that dropped the item (returned null), if one did. */
  dropped_at: string | null;
}

/** 8-bit display pixels of each stage, for the PNG grid (not part of the plain data). */
const stagePixels = new WeakMap<StageSummary, Uint8Array>();

/** 8-bit display pixels (1 or 3 channels) of an image, stretched from [lo, hi]. */
function displayPixels(data: DataDict, lo: number, hi: number) {
  const { shape } = data.image.array;
  const src = data.image.array.data as ArrayLike<number>;
  const h = shape[0];
  const w = shape.length > 1 ? shape[1] : 1;
  const c = shape.length > 2 ? shape[2] : 1;
  const channels: 1 | 3 = c === 3 ? 3 : 1;
  const out = new Uint8Array(h * w * channels);
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  for (let i = 0; i < h * w; i++) {
    for (let k = 0; k < channels; k++) {
      out[i * channels + k] = Math.round((Number(src[i * c + k]) - lo) * scale);
    }
  }
  return { pixels: out, h, w, channels };
}

function summarize(
  data: DataDict,
  step: string,
  module: string | null,
  bins: number
): StageSummary {
  const { shape, dtype } = data.image.array;
  const src = data.image.array.data as ArrayLike<number | bigint>;
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  for (let i = 0; i < src.length; i++) {
    const v = Number(src[i]);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    sum += v;
  }
  if (src.length === 0) lo = hi = 0;
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (let i = 0; i < src.length; i++) {
    const v = Number(src[i]);
    counts[width > 0 ? Math.min(bins - 1, Math.floor((v - lo) / width)) : 0]++;
  }
  const { pixels, h, w, channels } = displayPixels(data, lo, hi);
  const summary: StageSummary = {
    step,
    module,
    shape: shape.slice(),
    dtype,
    range: [lo, hi],
    mean: src.length ? sum / src.length : 0,
    histogram: { counts, lo, hi },
    png: Buffer.from(encodePng(pixels, w, h, channels)).toString('base64')
  };
  stagePixels.set(summary, pixels);
  return summary;
}

/** Counts step applications of previews (tests check that cached stages are not recomputed). */
export const previewStats = { applications: 0 };

/** Stages kept per dataset (most recently used last); a few dozen samples × steps. */
const STAGE_CACHE_SIZE = 512;
const stageCache = new WeakMap<Dataset, Map<string, DataDict | null>>();

/** Key of one sample after a prefix of steps: changing step k leaves stages before k cached. */
function stageKey(split: SplitName, index: number, prefix: readonly PipelineStep[]): string {
  const parts = prefix.map(
    s => `${s.module}@${moduleRevision(s.module)}:${JSON.stringify(s.params)}`
  );
  return `${split}|${index}|${parts.join('>')}`;
}

/**
 * The item after steps[0..k] for k = 0…steps.length-1, taken from the cache where the same
 * prefix (same modules, revisions and parameters) was computed before. A step that throws
 * ends the list with its error instead of throwing, so views can mark that step.
 */
export async function stagesOf(
  dataset: Dataset,
  split: SplitName,
  index: number,
  steps: readonly PipelineStep[]
): Promise<{
  input: DataDict;
  outputs: (DataDict | null)[];
  error?: { step: string; message: string };
}> {
  let cache = stageCache.get(dataset);
  if (!cache) stageCache.set(dataset, (cache = new Map()));
  const input = await dataset.splits[split].load(index);
  const outputs: (DataDict | null)[] = [];
  let current: DataDict | null = input;
  for (let k = 0; k < steps.length && current !== null; k++) {
    const key = stageKey(split, index, steps.slice(0, k + 1));
    let next = cache.get(key);
    if (next === undefined) {
      try {
        previewStats.applications++;
        next = await applyStepsAsync(current, [steps[k]], { index, split });
      } catch (err) {
        return { input, outputs, error: { step: steps[k].id, message: (err as Error).message } };
      }
      cache.set(key, next);
      if (cache.size > STAGE_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    } else {
      // Refresh its place in the LRU order.
      cache.delete(key);
      cache.set(key, next);
    }
    outputs.push(next);
    current = next;
  }
  return { input, outputs };
}

/** Runs the steps one at a time on each chosen sample, recording every stage. */
export async function previewSteps(
  dataset: Dataset,
  steps: readonly PipelineStep[],
  options: PreviewOptions = {}
): Promise<PipelinePreview> {
  const splitName = options.split ?? 'train';
  const split = dataset.splits[splitName];
  const bins = options.bins ?? 64;
  if (!Number.isInteger(bins) || bins < 1 || bins > 4096) {
    throw new RangeError(`preview: bins must be an integer in 1…4096 (got ${bins})`);
  }
  let indices = options.indices;
  if (!indices) {
    const n = Math.min(options.samples ?? 3, split.length);
    indices = Array.from({ length: n }, (_, k) => Math.floor((k * split.length) / n));
  }
  for (const index of indices) {
    if (!Number.isInteger(index) || index < 0 || index >= split.length) {
      throw new RangeError(
        `preview: sample index ${index} is outside ${dataset.name}/${splitName} (0…${split.length - 1})`
      );
    }
  }
  const samples: SamplePreview[] = [];
  for (const index of indices) {
    const { input, outputs, error } = await stagesOf(dataset, splitName, index, steps);
    if (error) throw new Error(error.message);
    const classes = dataset.classes;
    const sample: SamplePreview = {
      split: splitName,
      index,
      label: classes[split.labels[index]] ?? null,
      stages: [summarize(input, 'input', null, bins)],
      dropped_at: null
    };
    outputs.forEach((out, k) => {
      if (out === null) sample.dropped_at = steps[k].id;
      else sample.stages.push(summarize(out, steps[k].id, steps[k].module, bins));
    });
    samples.push(sample);
  }
  return new PipelinePreview(dataset.name, samples);
}

/** The preview as a value: plain data (toJSON) that displays as a table and an image grid. */
export class PipelinePreview {
  constructor(
    readonly dataset: string,
    readonly samples: SamplePreview[]
  ) {}

  toJSON(): { dataset: string; samples: SamplePreview[] } {
    return { dataset: this.dataset, samples: this.samples };
  }

  toString(): string {
    const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(4));
    const lines = [`Preview of ${this.dataset}`];
    for (const s of this.samples) {
      lines.push(`${s.split} item ${s.index}${s.label !== null ? ` (${s.label})` : ''}`);
      for (const st of s.stages) {
        lines.push(
          `  ${st.step.padEnd(24)} ${st.shape.join('×').padEnd(10)} ${st.dtype.padEnd(8)} ` +
            `[${fmt(st.range[0])}, ${fmt(st.range[1])}] mean ${fmt(st.mean)}`
        );
      }
      if (s.dropped_at) lines.push(`  dropped by ${s.dropped_at}`);
    }
    return lines.join('\n');
  }

  /** One PNG: a row per sample, a 96×96 cell per stage (nearest-neighbour, aspect kept). */
  gridPng(cell = 96): Uint8Array {
    const cols = Math.max(...this.samples.map(s => s.stages.length));
    const rows = this.samples.length;
    const gap = 4;
    const W = cols * (cell + gap) - gap;
    const H = rows * (cell + gap) - gap;
    const out = new Uint8Array(Math.max(1, W) * Math.max(1, H) * 3).fill(255);
    this.samples.forEach((s, r) => {
      s.stages.forEach((st, col) => {
        const [h, w] = st.shape;
        const c = st.shape.length > 2 && st.shape[2] === 3 ? 3 : 1;
        const img = stagePixels.get(st)!;
        const scale = Math.min(cell / h, cell / (w ?? 1));
        const dh = Math.max(1, Math.floor(h * scale));
        const dw = Math.max(1, Math.floor((w ?? 1) * scale));
        const oy = r * (cell + gap) + ((cell - dh) >> 1);
        const ox = col * (cell + gap) + ((cell - dw) >> 1);
        for (let y = 0; y < dh; y++) {
          const sy = Math.min(h - 1, Math.floor(y / scale));
          for (let x = 0; x < dw; x++) {
            const sx = Math.min((w ?? 1) - 1, Math.floor(x / scale));
            const d = ((oy + y) * W + ox + x) * 3;
            for (let k = 0; k < 3; k++)
              out[d + k] = img[(sy * (w ?? 1) + sx) * c + (c === 3 ? k : 0)];
          }
        }
      });
    });
    return encodePng(out, Math.max(1, W), Math.max(1, H), 3);
  }

  [MIME_BUNDLE](): MimeBundle {
    return {
      'text/plain': this.toString(),
      'image/png': Buffer.from(this.gridPng()).toString('base64'),
      [PREVIEW_MIME]: this.toJSON()
    };
  }
}
