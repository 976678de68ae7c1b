/**
 * Datasets from files: a folder with one sub-folder per class, or a flat folder with a CSV of
 * `filename,class`. PNG, JPEG, DICOM and NIfTI (each volume cut into 2D slices). Files are only
 * probed here (format, size); pixels are decoded when an item is read. Files are split into
 * train/val/test by ratio, stratified by class and seeded; a NIfTI volume's slices stay together
 * in one split (slices of one scan in two splits would leak).
 */
import { open, readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { parseLabelCsv } from './csv';
import type { Modality } from './datadict';
import { Dataset, Split, SPLITS, type DatasetInfo, type SplitName } from './dataset';
import { prepareCodecs } from './dicom-codecs';
import { FileSource, type FileItem } from './file-source';
import { checkAxis } from './nifti';
import {
  compressedSyntaxes,
  formatOf,
  probeFiles,
  type FileFormat,
  type ProbedFile
} from './probe';
import { stratifiedSplit, type SplitRatios } from './split';

export interface FolderOptions {
  /** CSV of `filename,class` rows (relative to `root`); without it, sub-folders are classes. */
  csv?: string;
  /** Where CSV file names are relative to; default the CSV's folder. */
  root?: string;
  /** Split ratios; default { train: 0.7, val: 0.15, test: 0.15 }. */
  split?: SplitRatios;
  /** Seed of the split (default 0): the same seed and files give the same splits. */
  seed?: number;
  /** Class names in label order; default the names found, sorted (numerically if all numbers). */
  classes?: string[];
  /** Positive class (index or name) for binary metrics; default 1. */
  positiveClass?: number | string;
  /** Modality of the images; default the DICOM Modality of most files, else 'unknown'. */
  modality?: Modality;
  /** Dataset name; default the folder's (or CSV's) name. */
  name?: string;
  /** File formats to read; default all (png, jpeg, dicom, nifti). */
  formats?: FileFormat[];
  /** NIfTI: axis the volumes are sliced along (0 = x, 1 = y, 2 = z; default 2). */
  axis?: 0 | 1 | 2;
  /** NIfTI: which volume of 4D files (default 0). */
  volume?: number;
}

const ALL_FORMATS: FileFormat[] = ['png', 'jpeg', 'dicom', 'nifti'];

interface Listed {
  file: string;
  format: FileFormat;
  label: string;
}

/** Files under a directory, recursively, sorted, without hidden entries. */
async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full)));
    else if (e.isFile()) out.push(full);
  }
  return out;
}

/** Format of a file, given the allowed formats; extension-less files are taken as DICOM. */
function pick(file: string, formats: FileFormat[]): FileFormat | undefined {
  const f = formatOf(file);
  if (f) return formats.includes(f) ? f : undefined;
  return formats.includes('dicom') && !path.basename(file).includes('.') ? 'dicom' : undefined;
}

async function listClassFolders(root: string, formats: FileFormat[]): Promise<Listed[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const dirs = entries
    .filter(e => e.isDirectory() && !e.name.startsWith('.'))
    .map(e => e.name)
    .sort();
  if (dirs.length === 0) {
    throw new Error(
      `${root}: no class sub-folders (expected one folder per class, or pass { csv: 'labels.csv' })`
    );
  }
  const out: Listed[] = [];
  for (const label of dirs) {
    for (const file of await walk(path.join(root, label))) {
      const format = pick(file, formats);
      if (format) out.push({ file, format, label });
    }
  }
  return out;
}

async function listCsv(csv: string, root: string, formats: FileFormat[]): Promise<Listed[]> {
  let text: string;
  try {
    text = await readFile(csv, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${csv}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const out: Listed[] = [];
  for (const row of parseLabelCsv(text, csv)) {
    const file = path.resolve(root, row.file);
    const format = formatOf(file) ?? (formats.includes('dicom') ? 'dicom' : undefined);
    if (!format || !formats.includes(format)) {
      throw new Error(
        `${csv}:${row.line}: ${row.file} is not a ${formats.join('/')} file (by its extension)`
      );
    }
    try {
      await stat(file);
    } catch {
      throw new Error(`${csv}:${row.line}: ${row.file} does not exist (looked in ${root})`);
    }
    out.push({ file, format, label: row.label });
  }
  return out;
}

async function hasDicmSignature(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = new Uint8Array(132);
    const { bytesRead } = await handle.read(head, 0, 132, 0);
    return bytesRead === 132 && String.fromCharCode(...head.subarray(128)) === 'DICM';
  } finally {
    await handle.close();
  }
}

async function keepSignedDicom(listed: Listed[]): Promise<Listed[]> {
  const keep = await Promise.all(
    listed.map(l => (formatOf(l.file) ? true : hasDicmSignature(l.file)))
  );
  return listed.filter((_, k) => keep[k]);
}

/** Class names found, sorted: numerically when every name is a number, else as strings. */
function sortClasses(names: Iterable<string>): string[] {
  const list = [...new Set(names)];
  const numeric = list.every(n => n.trim() !== '' && Number.isFinite(Number(n)));
  return numeric ? list.sort((a, b) => Number(a) - Number(b)) : list.sort();
}

function majority(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}

const DICOM_MODALITY: Record<string, Modality> = {
  CT: 'CT',
  MR: 'MRI',
  CR: 'Xray',
  DX: 'Xray',
  US: 'US',
  PT: 'PET'
};

/** Loads a folder (class sub-folders or CSV) as a dataset; see FolderOptions. */
export async function loadFolder(
  dir: string,
  options: FolderOptions = {},
  source = 'folder'
): Promise<Dataset> {
  const formats = options.formats ?? ALL_FORMATS;
  const axis = checkAxis(options.axis ?? 2, dir);
  const volume = options.volume ?? 0;
  if (!Number.isInteger(volume) || volume < 0) {
    throw new Error(`${dir}: volume must be an integer ≥ 0, got ${volume}`);
  }
  const seed = options.seed ?? 0;
  let listed: Listed[];
  let where: string;
  // What reloading needs (JSON-safe, paths absolute): kept in the dataset's info and ref.
  const reload: Record<string, unknown> = JSON.parse(JSON.stringify(options));
  delete reload.name;
  if (options.csv !== undefined) {
    const csv = path.resolve(dir, options.csv);
    const root = path.resolve(options.root ?? path.dirname(csv));
    Object.assign(reload, { csv, root });
    listed = await listCsv(csv, root, formats);
    where = csv;
  } else {
    try {
      listed = await listClassFolders(path.resolve(dir), formats);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code) throw new Error(`cannot read folder ${dir}: ${code}`);
      throw error;
    }
    where = path.resolve(dir);
  }
  reload.seed = seed;
  // Files without an extension count as DICOM only when they carry the DICM signature (a
  // LICENSE or README next to the images is skipped).
  if (options.csv === undefined) listed = await keepSignedDicom(listed);
  if (listed.length === 0) {
    throw new Error(`${where}: no ${formats.join('/')} files found`);
  }

  const found = sortClasses(listed.map(l => l.label));
  const classes = options.classes ?? found;
  const missing = found.filter(c => !classes.includes(c));
  if (missing.length) {
    throw new Error(`${where}: class ${missing[0]} is not in classes [${classes.join(', ')}]`);
  }
  const labels = Int32Array.from(listed, l => classes.indexOf(l.label));

  const probed = await probeFiles(listed, { axis, volume });
  await prepareCodecs(compressedSyntaxes(probed));

  const dicomModality = majority(probed.map(p => p.modality ?? ''));
  let positiveClass = options.positiveClass ?? 1;
  if (typeof positiveClass === 'string') {
    const k = classes.indexOf(positiveClass);
    if (k < 0)
      throw new Error(`positiveClass ${positiveClass} is not one of ${classes.join(', ')}`);
    positiveClass = k;
  }
  const info: DatasetInfo = {
    name: options.name ?? path.basename(where).replace(/\.csv$/i, ''),
    source,
    path: where,
    options: reload,
    classes,
    positiveClass,
    modality:
      options.modality ??
      (dicomModality ? (DICOM_MODALITY[dicomModality] ?? dicomModality) : 'unknown')
  };

  const assignment = stratifiedSplit(labels, classes.length, options.split, seed);
  const fileOptions = { modality: info.modality, axis };
  const splits = {} as Record<SplitName, Split>;
  for (const s of SPLITS) {
    const items: FileItem[] = [];
    const itemLabels: number[] = [];
    for (const k of assignment[s]) {
      const p: ProbedFile = probed[k];
      for (let slice = 0; slice < p.items; slice++) {
        items.push({ probed: p, slice });
        itemLabels.push(labels[k]);
      }
    }
    splits[s] = new Split(s, new FileSource(items, fileOptions), Int32Array.from(itemLabels), info);
  }
  return new Dataset(info, splits);
}
