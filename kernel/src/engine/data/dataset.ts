/**
 * An image-classification dataset with MedMNIST-style train/val/test splits. Images stay in
 * one N×H×W(×C) array per split (as read from disk); data dicts are made lazily per item.
 */
import type { DatasetRef } from '../../../../schema/documents';
import { MIME_BUNDLE, type MimeBundle } from '../mimebundle';
import { imageHeader, type DataDict, type Modality } from './datadict';
import type { ItemSource, SourceImage } from './source';
import { dtypeRange, sizeOf, toNumberArray, valueRange, type NDArray } from './ndarray';
import { encodePng } from './png';

export const SPLITS = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

export interface DatasetInfo {
  name: string;
  /** builtin | npz | … (as in the pipeline document). */
  source: string;
  /** File the data came from (npz datasets), or the folder / CSV of file datasets. */
  path?: string;
  /**
   * Options the dataset was loaded with (file datasets: split ratios, seed, csv, axis …, paths
   * absolute), so that a pipeline document can load the same dataset again.
   */
  options?: Record<string, unknown>;
  classes: string[];
  /**
   * Index of the class that counts as "positive" (the finding) for sensitivity/specificity in
   * two-class problems, e.g. pneumonia = 1, malignant = 0. Defaults to 1.
   */
  positiveClass?: number;
  modality: Modality;
}

/** Items of an in-memory N×H×W(×C) stack (each read copies one item's pixels). */
class ArraySource implements ItemSource {
  readonly itemShape: number[];
  constructor(
    readonly images: NDArray,
    private readonly info: DatasetInfo
  ) {
    this.itemShape = images.shape.slice(1);
  }
  get length(): number {
    return this.images.shape[0];
  }
  read(i: number): SourceImage {
    const size = sizeOf(this.itemShape);
    const data = this.images.data.slice(i * size, (i + 1) * size);
    const dtype = this.images.dtype;
    return {
      array: { data, shape: this.itemShape.slice(), dtype },
      header: imageHeader(this.itemShape, dtype, this.info.modality, dtypeRange(dtype))
    };
  }
  readAsync(i: number): Promise<SourceImage> {
    return Promise.resolve(this.read(i));
  }
  shape(): number[] {
    return this.itemShape.slice();
  }
  describe(i: number): string {
    return `item ${i}`;
  }
}

/** One split: images (an N×H×W[×C] array, or files decoded on demand) and class labels (N). */
export class Split {
  /** The common shape of the items; [] when the split mixes sizes. */
  readonly imageShape: number[];
  readonly source: ItemSource;
  constructor(
    readonly name: SplitName,
    images: NDArray | ItemSource,
    readonly labels: Int32Array,
    readonly info: DatasetInfo
  ) {
    this.source = 'read' in images ? images : new ArraySource(images, info);
    if (this.source.length !== labels.length) {
      throw new Error(
        `${info.name}/${name}: ${this.source.length} images but ${labels.length} labels`
      );
    }
    const sizes = this.sizes();
    this.imageShape = sizes.length === 1 ? sizes[0].shape : [];
  }

  /** The N×H×W(×C) array of an in-memory split (npz datasets); streamed splits have none. */
  get images(): NDArray {
    if (this.source instanceof ArraySource) return this.source.images;
    throw new Error(
      `${this.info.name}/${this.name} is read from files item by item: use get(i), load(i) or batches()`
    );
  }

  /** Whether the pixels live in memory (npz) rather than in files decoded per item. */
  get inMemory(): boolean {
    return this.source instanceof ArraySource;
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

  /** The distinct native item shapes with their counts, most frequent first. */
  sizes(): { shape: number[]; count: number }[] {
    if (this.source instanceof ArraySource) {
      return this.length ? [{ shape: this.source.itemShape.slice(), count: this.length }] : [];
    }
    const counts = new Map<string, { shape: number[]; count: number }>();
    for (let i = 0; i < this.source.length; i++) {
      const shape = this.source.shape(i);
      const key = shape.join('×');
      const entry = counts.get(key);
      if (entry) entry.count++;
      else counts.set(key, { shape, count: 1 });
    }
    return [...counts.values()].sort((a, b) => b.count - a.count);
  }

  private check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new RangeError(`${this.info.name}/${this.name}: no item ${i} (length ${this.length})`);
    }
  }

  private toDataDict(image: SourceImage, i: number): DataDict {
    const n = this.info.classes.length;
    const onehot = new Float32Array(n);
    onehot[this.labels[i]] = 1;
    return {
      image,
      label: {
        classification: {
          array: { data: onehot, shape: [n], dtype: 'float32' },
          header: { num_class: n, class_name: this.info.classes.slice() }
        }
      },
      meta: { split: this.name, index: i }
    };
  }

  /** The data dict of item i (its own copy of the pixels: modules may edit it freely). */
  get(i: number): DataDict {
    this.check(i);
    return this.toDataDict(this.source.read(i), i);
  }

  /** The data dict of item i, read with asynchronous I/O. */
  async load(i: number): Promise<DataDict> {
    this.check(i);
    return this.toDataDict(await this.source.readAsync(i), i);
  }

  /**
   * The items in order, `batchSize` at a time, reading the next batch while the caller works on
   * the current one: at most two batches are decoded at any moment.
   */
  async *batches(batchSize = 32): AsyncGenerator<DataDict[]> {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`batches(): batch size must be a positive integer, got ${batchSize}`);
    }
    const readBatch = (start: number) =>
      Promise.all(
        Array.from({ length: Math.min(batchSize, this.length - start) }, (_, k) =>
          this.load(start + k)
        )
      );
    let next = this.length > 0 ? readBatch(0) : undefined;
    for (let start = 0; next; start += batchSize) {
      const current = await next;
      next = start + batchSize < this.length ? readBatch(start + batchSize) : undefined;
      // A failed prefetch surfaces when it is awaited, not as an unhandled rejection.
      next?.catch(() => undefined);
      yield current;
    }
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
      throw new Error(
        `${where}: label ${c} of item ${i} is not a class index 0..${numClasses - 1}`
      );
    }
    out[i] = c;
  }
  return out;
}

export class Dataset {
  readonly splits: Record<SplitName, Split>;

  constructor(
    readonly info: DatasetInfo,
    splits: Record<SplitName, Split>
  ) {
    this.splits = splits;
    // Files may have mixed sizes (resizing is a module's job); in-memory stacks may not.
    const shapes = SPLITS.filter(s => splits[s].inMemory).map(s => splits[s].imageShape.join('×'));
    if (new Set(shapes).size > 1) {
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
  /** The common item shape of all splits; [] when the items have different sizes. */
  get imageShape(): number[] {
    const shapes = new Set(
      SPLITS.filter(s => this.splits[s].length > 0).map(s => this.splits[s].imageShape.join('×'))
    );
    return shapes.size === 1 && !shapes.has('') ? this.splits.train.imageShape.slice() : [];
  }
  /** Native item sizes over all splits with their counts, most frequent first. */
  sizes(): { shape: number[]; count: number }[] {
    const counts = new Map<string, { shape: number[]; count: number }>();
    for (const s of SPLITS) {
      for (const { shape, count } of this.splits[s].sizes()) {
        const key = shape.join('×');
        const entry = counts.get(key);
        if (entry) entry.count += count;
        else counts.set(key, { shape, count });
      }
    }
    return [...counts.values()].sort((x, y) => y.count - x.count);
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
  toRef(): DatasetRef {
    const ref: DatasetRef = {
      name: this.info.name,
      source: this.info.source,
      shape: this.imageShape.slice(),
      classes: this.classes.slice(),
      splits: Object.fromEntries(SPLITS.map(s => [s, this.splits[s].length]))
    };
    if (this.info.path !== undefined) ref.path = this.info.path;
    if (this.info.options !== undefined) ref.options = structuredClone(this.info.options);
    return ref;
  }

  /** Summary: counts per split and class. */
  toString(): string {
    const lines = [
      `Dataset ${this.name} (${this.info.source}): ${this.length} images ${this.describeItems()}, ` +
        `${this.info.modality}, ${this.classes.length} classes`
    ];
    const width = Math.max(5, ...this.classes.map(c => c.length));
    const cell = (s: string | number) => String(s).padStart(width);
    lines.push(`${'split'.padEnd(6)}${this.classes.map(cell).join(' ')} ${cell('total')}`);
    for (const s of SPLITS) {
      const counts = this.splits[s].classCounts();
      lines.push(`${s.padEnd(6)}${counts.map(cell).join(' ')} ${cell(this.splits[s].length)}`);
    }
    return lines.join('\n');
  }

  /** "28×28 uint8", or the sizes with their counts when they differ. */
  private describeItems(): string {
    const sizes = this.sizes();
    let dtype = '';
    const first = SPLITS.map(s => this.splits[s]).find(s => s.length > 0);
    if (first?.inMemory) dtype = first.images.dtype;
    else if (first) {
      try {
        dtype = first.get(0).image.array.dtype;
      } catch {
        dtype = '(first item unreadable)';
      }
    }
    if (sizes.length <= 1) return `${sizes[0]?.shape.join('×') ?? ''} ${dtype}`.trim();
    const list = sizes.slice(0, 4).map(s => `${s.shape.join('×')} (${s.count})`);
    if (sizes.length > 4) list.push(`${sizes.length - 4} more sizes`);
    return `${dtype}, mixed sizes: ${list.join(', ')}`;
  }

  /** Edge length of a thumbnail: the common image size when small, else 48 pixels. */
  private thumbnailSize(): [number, number] {
    const [h, w] = this.imageShape;
    return h !== undefined && h <= 64 && w <= 64 ? [h, w] : [48, 48];
  }

  /**
   * A strip of training thumbnails, `perClass` per class (one row per class), as a PNG. uint8
   * pixels are shown as they are, other dtypes stretched from their range (bool, [0, 1] floats)
   * or from each image's min..max; images of other sizes are resampled (nearest).
   */
  thumbnails(perClass = 8): Uint8Array | undefined {
    const split = this.train;
    const k = this.classes.length;
    const picked: DataDict[][] = [];
    let c = 1;
    for (let cls = 0; cls < k; cls++) {
      const row: DataDict[] = [];
      for (let i = 0; i < split.length && row.length < perClass; i++) {
        if (split.labels[i] !== cls) continue;
        const item = split.get(i);
        const shape = item.image.array.shape;
        if (shape.length > 3 || (shape.length === 3 && shape[2] !== 1 && shape[2] !== 3)) {
          return undefined;
        }
        if (shape[2] === 3) c = 3;
        row.push(item);
      }
      picked.push(row);
    }
    const [h, w] = this.thumbnailSize();
    const gap = 2;
    const W = perClass * (w + gap) - gap;
    const H = k * (h + gap) - gap;
    const out = new Uint8Array(W * H * c).fill(255);
    picked.forEach((row, cls) =>
      row.forEach((item, col) => {
        const tile = thumbnailTile(item.image.array, h, w, c);
        for (let y = 0; y < h; y++) {
          const o = ((cls * (h + gap) + y) * W + col * (w + gap)) * c;
          out.set(tile.subarray(y * w * c, (y + 1) * w * c), o);
        }
      })
    );
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
        name =>
          `<tr>${th(name)}${this.splits[name].classCounts().map(td).join('')}` +
          `${td(this.splits[name].length)}</tr>`
      );
      const head = `<tr>${th('split')}${this.classes.map(th).join('')}${th('total')}</tr>`;
      const width = 3 * (8 * (this.thumbnailSize()[1] + 2) - 2);
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

/** One image as an h×w×c uint8 tile (nearest-neighbour resampling, see thumbnails()). */
function thumbnailTile(image: NDArray, h: number, w: number, c: number): Uint8Array {
  const [ih, iw, ic = 1] = image.shape;
  const src = toNumberArray(image.data);
  let lo = 0;
  let hi = 255;
  if (image.dtype === 'bool') hi = 1;
  else if (image.dtype !== 'uint8') {
    [lo, hi] = valueRange(src);
    if (image.dtype.startsWith('float') && lo >= 0 && hi <= 1) [lo, hi] = [0, 1];
    if (!(hi > lo)) hi = lo + 1;
  }
  const out = new Uint8Array(h * w * c);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(ih - 1, Math.floor(((y + 0.5) * ih) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(iw - 1, Math.floor(((x + 0.5) * iw) / w));
      for (let ch = 0; ch < c; ch++) {
        const v = src[(sy * iw + sx) * ic + Math.min(ch, ic - 1)];
        out[(y * w + x) * c + ch] = Math.max(
          0,
          Math.min(255, Math.round(((v - lo) / (hi - lo)) * 255))
        );
      }
    }
  }
  return out;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, ch => `&#${ch.charCodeAt(0)};`);
}
