/**
 * Built-in datasets (shipped in <package root>/data/medmnist, no download) and the loader of
 * any MedMNIST-style .npz file.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Dataset, labelsToIndices, Split, SPLITS, type DatasetInfo } from './dataset';
import { readNpz } from './npz';
import type { Modality } from './datadict';

interface BuiltinSpec {
  file: string;
  classes: string[];
  positiveClass: number;
  modality: Modality;
  description: string;
}

const BUILTINS: Record<string, BuiltinSpec> = {
  pneumoniamnist: {
    file: 'medmnist/pneumoniamnist.npz',
    classes: ['normal', 'pneumonia'],
    positiveClass: 1,
    modality: 'Xray',
    description: 'PneumoniaMNIST (MedMNIST v2, CC BY 4.0): pediatric chest X-rays, 28×28'
  },
  breastmnist: {
    file: 'medmnist/breastmnist.npz',
    classes: ['malignant', 'normal/benign'],
    // The finding of interest is malignancy (label 0).
    positiveClass: 0,
    modality: 'US',
    description: 'BreastMNIST (MedMNIST v2, CC BY 4.0): breast ultrasound, 28×28'
  }
};

/** The package root: the nearest ancestor directory whose package.json is medflow's. */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'medflow') return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the medflow package root above ${from}`);
    dir = parent;
  }
}

/** Names and one-line descriptions of the built-in datasets. */
export function builtinNames(): { name: string; description: string }[] {
  return Object.entries(BUILTINS).map(([name, s]) => ({ name, description: s.description }));
}

export interface NpzOptions {
  /** Class names in label order; default class_0, class_1, … */
  classes?: string[];
  /** Index of the positive class for binary metrics (default 1). */
  positiveClass?: number;
  modality?: Modality;
  /** Dataset name; default the file name without extension. */
  name?: string;
}

/**
 * Loads a MedMNIST-style .npz: arrays {train,val,test}_images (N, H, W[, C]) and
 * {train,val,test}_labels (N,), (N, 1) or one-hot (N, K).
 */
export async function loadNpz(file: string, options: NpzOptions = {}): Promise<Dataset> {
  return loadNpzAs(file, options, 'npz');
}

async function loadNpzAs(file: string, options: NpzOptions, source: string): Promise<Dataset> {
  const keys = SPLITS.flatMap(s => [`${s}_images`, `${s}_labels`]);
  const arrays = await readNpz(file, keys);
  const base = path.basename(file).replace(/\.npz$/i, '');
  let classes = options.classes;
  if (!classes) {
    let k = 0;
    for (const s of SPLITS) {
      const l = arrays[`${s}_labels`];
      if (l.shape.length > 1 && l.shape[1] > 1) k = Math.max(k, l.shape[1]);
      else for (const v of l.data) k = Math.max(k, Number(v) + 1);
    }
    classes = Array.from({ length: k }, (_, i) => `class_${i}`);
  }
  const info: DatasetInfo = {
    name: options.name ?? base,
    source,
    classes,
    positiveClass: options.positiveClass ?? 1,
    modality: options.modality ?? 'unknown'
  };
  if (source === 'npz') info.path = path.resolve(file);
  for (const s of SPLITS) {
    const shape = arrays[`${s}_images`].shape;
    if (shape.length < 3 || shape.length > 4) {
      throw new Error(
        `${base}.npz:${s}_images: expected (N, H, W) or (N, H, W, C), got (${shape.join(', ')})`
      );
    }
  }
  const names = classes;
  const splits = Object.fromEntries(
    SPLITS.map(s => {
      const labels = labelsToIndices(
        arrays[`${s}_labels`],
        names.length,
        `${base}.npz:${s}_labels`
      );
      return [s, new Split(s, arrays[`${s}_images`], labels, info)];
    })
  ) as Record<(typeof SPLITS)[number], Split>;
  return new Dataset(info, splits);
}

/** Loads a built-in dataset by name ('pneumoniamnist', 'breastmnist'). */
export async function loadBuiltin(name: string): Promise<Dataset> {
  const spec = BUILTINS[name.toLowerCase()];
  if (!spec) {
    throw new Error(
      `unknown built-in dataset '${name}' (available: ${Object.keys(BUILTINS).join(', ')}; ` +
        `for your own .npz use mf.datasets.npz(path))`
    );
  }
  const key = name.toLowerCase();
  // One instance per process: re-running a notebook cell then reuses the preprocessing cache
  // (keyed by dataset) instead of reading and processing the images again.
  let loading = builtinCache.get(key);
  if (!loading) {
    loading = readBuiltin(key, spec);
    builtinCache.set(key, loading);
    loading.catch(() => builtinCache.delete(key));
  }
  return loading;
}

const builtinCache = new Map<string, Promise<Dataset>>();

function readBuiltin(name: string, spec: BuiltinSpec): Promise<Dataset> {
  const file = path.join(packageRoot(), 'data', spec.file);
  return loadNpzAs(
    file,
    {
      name,
      classes: spec.classes,
      positiveClass: spec.positiveClass,
      modality: spec.modality
    },
    'builtin'
  );
}
