/**
 * An image-classification dataset with MedMNIST-style train/val/test splits. Images stay in
 * one N×H×W(×C) array per split (as read from disk); data dicts are made lazily per item.
 */
import type { DatasetRef } from '../../../../schema/documents';
import { MIME_BUNDLE, type MimeBundle } from '../mimebundle';
import { imageHeader, type DataDict, type Modality } from './datadict';
import { dtypeRange, sizeOf, toNumberArray, type NDArray, type NumericArray } from './ndarray';
import { encodePng } from './png';

export const SPLITS = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

export interface DatasetInfo {
  name: string;
  /** builtin | npz | … (as in the pipeline document). */
  source: string;
  /** File the data came from (npz datasets). */
  path?: string;
  classes: string[];
  /**
   * Index of the class that counts as "positive" (the finding) for sensitivity/specificity in
   * two-class problems, e.g. pneumonia = 1, malignant = 0. Defaults to 1.
   */
  positiveClass?: number;
  modality: Modality;
}

/** One split: images (N, H, W[, C]) and integer class labels (N). */
export class Split {
  readonly imageShape: number[];
  constructor(
    readonly name: SplitName,
    readonly images: NDArray,
    readonly labels: Int32Array,
    readonly info: DatasetInfo,
  ) {
    if (images.shape[0] !== labels.length) {
      throw new Error(
        `${info.name}/${name}: ${images.shape[0]} images but ${labels.length} labels`,
      );
    }
    this.imageShape = images.shape.slice(1);
  }

  get length(): number {
    return this.labels.length;
  }

  /** Number of items of each class. */
  classCounts(): number[] {
    const counts = new Array<number>(this.info.classes.length).fill(0);
    for (const l of this.labels) counts[l]++;
    return counts;
  }

  /** The data dict of item i (its own copy of the pixels: modules may edit it freely). */
  get(i: number): DataDict {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new RangeError(`${this.info.name}/${this.name}: no item ${i} (length ${this.length})`);
    }
    const size = sizeOf(this.imageShape);
    const data = this.images.data.slice(i * size, (i + 1) * size);
    const n = this.info.classes.length;
    const onehot = new Float32Array(n);
    onehot[this.labels[i]] = 1;
    const dtype = this.images.dtype;
    return {
      image: {
        array: { data, shape: this.imageShape.slice(), dtype },
        header: imageHeader(this.imageShape, dtype, this.info.modality, dtypeRange(dtype)),
      },
      label: {
        classification: {
          array: { data: onehot, shape: [n], dtype: 'float32' },
          header: { num_class: n, class_name: this.info.classes.slice() },
        },
      },
      meta: { split: this.name, index: i },
    };
  }

  *[Symbol.iterator](): IterableIterator<DataDict> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }
}

/** Converts labels stored as (N,) or (N, 1) integers (or one-hot (N, K)) to class indices. */
export function labelsToIndices(labels: NDArray, numClasses: number, where: string): Int32Array {
  const values = toNumberArray(labels.data);
  const n = labels.shape[0];
  const out = new Int32Array(n);
  const width = labels.shape.length === 1 ? 1 : sizeOf(labels.shape.slice(1));
  for (let i = 0; i < n; i++) {
    let c: number;
    if (width === 1) c = values[i];
    else {
      // One-hot rows: the index of the maximum.
      c = 0;
      for (let k = 1; k < width; k++) if (values[i * width + k] > values[i * width + c]) c = k;
    }
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new Error(`${where}: label ${c} of item ${i} is not a class index 0..${numClasses - 1}`);
    }
    out[i] = c;
  }
  return out;
}

export class Dataset {
  readonly splits: Record<SplitName, Split>;

  constructor(
    readonly info: DatasetInfo,
    splits: Record<SplitName, Split>,
  ) {
    this.splits = splits;
    const shapes = SPLITS.map((s) => splits[s].imageShape.join('×'));
    if (new Set(shapes).size !== 1) {
      throw new Error(`${info.name}: splits have different image shapes (${shapes.join(', ')})`);
    }
  }

  get name(): string {
    return this.info.name;
  }
  get classes(): string[] {
    return this.info.classes;
  }
  get positiveClass(): number {
    return this.info.positiveClass ?? 1;
  }
  get imageShape(): number[] {
    return this.splits.train.imageShape;
  }
  get train(): Split {
    return this.splits.train;
  }
  get val(): Split {
    return this.splits.val;
  }
  get test(): Split {
    return this.splits.test;
  }
  get length(): number {
    return SPLITS.reduce((n, s) => n + this.splits[s].length, 0);
  }

  /** The dataset as referenced from a pipeline document. */
  toRef(): DatasetRef & { path?: string } {
    const ref: DatasetRef & { path?: string } = {
      name: this.info.name,
      source: this.info.source,
      shape: this.imageShape.slice(),
      classes: this.classes.slice(),
      splits: Object.fromEntries(SPLITS.map((s) => [s, this.splits[s].length])),
    };
    if (this.info.path !== undefined) ref.path = this.info.path;
    return ref;
  }

  /** Summary: counts per split and class. */
  toString(): string {
    const shape = this.imageShape.join('×');
    const dtype = this.train.images.dtype;
    const lines = [
      `Dataset ${this.name} (${this.info.source}): ${this.length} images ${shape} ${dtype}, ` +
        `${this.info.modality}, ${this.classes.length} classes`,
    ];
    const width = Math.max(5, ...this.classes.map((c) => c.length));
    const cell = (s: string | number) => String(s).padStart(width);
    lines.push(`${'split'.padEnd(6)}${this.classes.map(cell).join(' ')} ${cell('total')}`);
    for (const s of SPLITS) {
      const counts = this.splits[s].classCounts();
      lines.push(`${s.padEnd(6)}${counts.map(cell).join(' ')} ${cell(this.splits[s].length)}`);
    }
    return lines.join('\n');
  }

  /**
   * A strip of training thumbnails, `perClass` per class (one row per class), as a PNG;
   * pixel values are mapped from the dtype range to 0..255.
   */
  thumbnails(perClass = 8): Uint8Array | undefined {
    const [h, w, c = 1] = this.imageShape;
    if (this.imageShape.length > 3 || (c !== 1 && c !== 3)) return undefined;
    const k = this.classes.length;
    const gap = 2;
    const W = perClass * (w + gap) - gap;
    const H = k * (h + gap) - gap;
    const out = new Uint8Array(W * H * c).fill(255);
    const split = this.train;
    const size = h * w * c;
    const [lo, hi] = dtypeRange(split.images.dtype);
    const src = split.images.data as NumericArray;
    const isFloat = split.images.dtype.startsWith('float');
    for (let cls = 0; cls < k; cls++) {
      let col = 0;
      for (let i = 0; i < split.length && col < perClass; i++) {
        if (split.labels[i] !== cls) continue;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w * c; x++) {
            const v = src[i * size + y * w * c + x];
            const scaled = isFloat ? v * 255 : ((v - lo) / (hi - lo)) * 255;
            const oy = cls * (h + gap) + y;
            const ox = col * (w + gap) * c + x;
            out[oy * W * c + ox] = Math.max(0, Math.min(255, Math.round(scaled)));
          }
        }
        col++;
      }
    }
    return encodePng(out, W, H, c as 1 | 3);
  }

  [MIME_BUNDLE](): MimeBundle {
    const text = this.toString();
    const bundle: MimeBundle = { 'text/plain': text };
    const png = this.thumbnails();
    if (png) {
      const th = (x: string | number) => `<th>${escapeHtml(String(x))}</th>`;
      const td = (x: string | number) => `<td>${escapeHtml(String(x))}</td>`;
      const rows = SPLITS.map(
        (name) =>
          `<tr>${th(name)}${this.splits[name].classCounts().map(td).join('')}` +
          `${td(this.splits[name].length)}</tr>`,
      );
      const head = `<tr>${th('split')}${this.classes.map(th).join('')}${th('total')}</tr>`;
      const width = 3 * (8 * (this.imageShape[1] + 2) - 2);
      const base64 = Buffer.from(png).toString('base64');
      bundle['text/html'] =
        `<div><b>${escapeHtml(text.split('\n')[0])}</b>` +
        `<table>${head}${rows.join('')}</table>` +
        `<div>train samples, one row per class (${this.classes.map(escapeHtml).join(', ')}):</div>` +
        `<img style="image-rendering: pixelated; width: ${width}px; max-width: 100%" ` +
        `src="data:image/png;base64,${base64}"/></div>`;
      // For front ends that do not render HTML (JupyterLab prefers the HTML above).
      bundle['image/png'] = base64;
    }
    return bundle;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
