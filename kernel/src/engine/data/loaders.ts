/**
 * The dataset loaders as `mf.datasets` offers them, and single-file readers for looking at one
 * image (all decode with the same code as the datasets do).
 */
import * as path from 'node:path';
import type { Modality } from './datadict';
import type { Dataset } from './dataset';
import { decodeDicom, parseDicomBytes, dicomGeometry } from './dicom';
import { prepareCodecs } from './dicom-codecs';
import { loadFolder, type FolderOptions } from './folder';
import { decodeImage } from './image';
import { checkAxis, niftiSlice, readNiftiVolume, type NiftiHeader } from './nifti';
import { formatOf, readWhole } from './probe';
import type { SourceImage } from './source';

export type { FolderOptions } from './folder';

/** PNG/JPEG (and any other supported format) from class sub-folders or a CSV. */
export function folder(dir: string, options?: FolderOptions): Promise<Dataset> {
  return loadFolder(dir, options, options?.csv ? 'csv' : 'folder');
}

/** A flat folder of images labelled by a CSV of `filename,class` (names relative to the CSV). */
export function csv(file: string, options: Omit<FolderOptions, 'csv'> = {}): Promise<Dataset> {
  return loadFolder(path.dirname(file), { ...options, csv: path.resolve(file) }, 'csv');
}

/** DICOM files (.dcm, .dicom or no extension) from class sub-folders or a CSV. */
export function dicom(dir: string, options: FolderOptions = {}): Promise<Dataset> {
  return loadFolder(dir, { ...options, formats: ['dicom'] }, 'dicom');
}

/** NIfTI volumes (.nii, .nii.gz) cut into 2D slices along `axis`, from class sub-folders or a CSV. */
export function nifti(dir: string, options: FolderOptions = {}): Promise<Dataset> {
  return loadFolder(dir, { ...options, formats: ['nifti'] }, 'nifti');
}

/** Sources of datasets that reloadDataset() can load again from a pipeline document. */
export const FILE_SOURCES = ['folder', 'csv', 'dicom', 'nifti'];

/**
 * Loads a file dataset again from its reference in a pipeline document (Dataset.toRef():
 * source, path and the options it was loaded with): same files, same classes, same splits.
 */
export function reloadDataset(ref: {
  name: string;
  source: string;
  path?: string;
  options?: Record<string, unknown>;
}): Promise<Dataset> {
  if (!FILE_SOURCES.includes(ref.source) || !ref.path) {
    throw new Error(
      `dataset '${ref.name}' (${ref.source}) is not a file dataset with a path; ` +
        `reloadDataset() reads ${FILE_SOURCES.join(', ')} datasets`
    );
  }
  const options = { ...(ref.options ?? {}), name: ref.name } as FolderOptions;
  const dir = options.csv ? path.dirname(options.csv) : ref.path;
  return loadFolder(dir, options, ref.source);
}

/** Reads one PNG, JPEG or DICOM file as a data dict image. */
export async function readImage(
  file: string,
  modality: Modality = 'unknown'
): Promise<SourceImage> {
  const bytes = await readWhole(file);
  const format = formatOf(file);
  if (format === 'nifti') {
    throw new Error(`${file}: a NIfTI volume; read it with readNifti(file) and take slices`);
  }
  let image: SourceImage;
  if (format === 'png' || format === 'jpeg') image = decodeImage(bytes, file, modality);
  else {
    await prepareCodecs([dicomGeometry(parseDicomBytes(bytes, file, true), file).transferSyntax]);
    image = decodeDicom(bytes, file);
  }
  image.header.file = file;
  return image;
}

export interface NiftiFile {
  header: NiftiHeader;
  axis: 0 | 1 | 2;
  /** Number of slices along the axis. */
  slices: number;
  /** Slice k along the axis. */
  slice(k: number): SourceImage;
}

/** Reads one volume of a NIfTI file (index `volume` of a 4D file, default 0). */
export async function readNifti(
  file: string,
  options: { axis?: 0 | 1 | 2; volume?: number; modality?: Modality } = {}
): Promise<NiftiFile> {
  const axis = checkAxis(options.axis ?? 2, file);
  const vol = readNiftiVolume(await readWhole(file), file, options.volume ?? 0);
  return {
    header: vol.header,
    axis,
    slices: vol.header.shape[axis],
    slice: k => {
      const image = niftiSlice(vol, axis, k, file, options.modality ?? 'unknown');
      image.header.file = file;
      return image;
    }
  };
}
