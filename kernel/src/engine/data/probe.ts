/**
 * Reads just enough of each file to know its format and item shapes, so that a dataset of
 * thousands of files can be listed, split and summarised without decoding any pixels.
 */
import { open, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Gunzip } from 'fflate';
import { dicomGeometry, DicomError, parseDicomBytes } from './dicom';
import {
  isSupportedSyntax,
  JPEG2000_SYNTAXES,
  NATIVE_SYNTAXES,
  unsupportedSyntaxMessage
} from './dicom-codecs';
import { ImageFormatError, probeImageShape } from './image';
import { parseNiftiHeader, type NiftiHeader } from './nifti';

export type FileFormat = 'png' | 'jpeg' | 'dicom' | 'nifti';

export const EXTENSIONS: Record<FileFormat, string[]> = {
  png: ['.png'],
  jpeg: ['.jpg', '.jpeg'],
  dicom: ['.dcm', '.dicom'],
  nifti: ['.nii', '.nii.gz']
};

/** Format implied by a file name, or undefined (DICOM files often have no extension). */
export function formatOf(file: string): FileFormat | undefined {
  const lower = file.toLowerCase();
  for (const [format, exts] of Object.entries(EXTENSIONS) as [FileFormat, string[]][]) {
    if (exts.some(e => lower.endsWith(e))) return format;
  }
  return undefined;
}

export interface ProbedFile {
  file: string;
  format: FileFormat;
  /** Shape of each item the file yields (one item, or one per NIfTI slice). */
  shape: number[];
  /** Number of items: 1, or the number of slices of a NIfTI volume. */
  items: number;
  /** DICOM: transfer syntax and modality tag. */
  transferSyntax?: string;
  modality?: string;
  nifti?: NiftiHeader;
  /** NIfTI: the volume read (the chosen one of a 4D file, 0 for 3D files). */
  volume?: number;
}

/** Reads `length` bytes from the start of a file (fewer if it is shorter). */
async function readHead(file: string, length: number): Promise<{ head: Uint8Array; size: number }> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const head = new Uint8Array(Math.min(length, size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return { head: head.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}

function ioError(file: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  return new Error(`cannot read ${file}: ${code ?? (error as Error).message}`);
}

async function probeImage(file: string, format: FileFormat): Promise<ProbedFile> {
  // PNG sizes are at a fixed offset; a JPEG frame header follows its APPn segments (EXIF can
  // be tens of kilobytes), so read more until it shows up.
  for (let length = 4096; ; length *= 4) {
    const { head, size } = await readHead(file, length);
    const shape = probeImageShape(head, file);
    if (shape) return { file, format, shape, items: 1 };
    if (head.length >= size)
      throw new ImageFormatError(file, `truncated ${format.toUpperCase()} (no frame header)`);
  }
}

async function probeDicom(file: string): Promise<ProbedFile> {
  for (let length = 16384; ; length *= 4) {
    const { head, size } = await readHead(file, length);
    let ds;
    try {
      ds = parseDicomBytes(head, file, true);
    } catch (error) {
      // A header longer than what was read: read more, unless this was the whole file.
      if (head.length < size && /truncated/.test((error as Error).message)) continue;
      throw error;
    }
    const geo = dicomGeometry(ds, file);
    const uid = geo.transferSyntax;
    if (!isSupportedSyntax(uid)) throw new DicomError(file, unsupportedSyntaxMessage(uid));
    const pixels = ds.elements.x7fe00010;
    if (!pixels) throw new DicomError(file, 'has no pixel data (7FE0,0010)');
    if (uid in NATIVE_SYNTAXES && !uid.endsWith('.99')) {
      const bits = ds.uint16('x00280100') ?? 16;
      const needed = (geo.rows * geo.columns * geo.samplesPerPixel * geo.frames * bits) / 8;
      if (pixels.dataOffset + needed > size) {
        throw new DicomError(
          file,
          `file is truncated: pixel data needs ${needed} bytes from offset ${pixels.dataOffset}, ` +
            `the file has ${size} bytes`
        );
      }
    }
    return {
      file,
      format: 'dicom',
      shape: geo.shape,
      items: 1,
      transferSyntax: uid,
      modality: (ds.string('x00080060') ?? '').trim()
    };
  }
}

/** The decompressed first bytes of a .nii.gz (enough for the NIfTI-1/2 header). */
async function niftiHead(file: string): Promise<ArrayBuffer> {
  const { head } = await readHead(file, 2);
  if (!(head[0] === 0x1f && head[1] === 0x8b)) {
    const h = (await readHead(file, 544)).head;
    return h.buffer.slice(h.byteOffset, h.byteOffset + h.byteLength) as ArrayBuffer;
  }
  const chunks: Uint8Array[] = [];
  let got = 0;
  const gunzip = new Gunzip(chunk => {
    chunks.push(chunk);
    got += chunk.length;
  });
  const handle = await open(file, 'r');
  try {
    const buf = new Uint8Array(65536);
    for (let pos = 0; got < 544;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      try {
        gunzip.push(buf.slice(0, bytesRead));
      } catch (error) {
        throw new Error(`${file}: corrupt gzip stream (${(error as Error).message})`);
      }
    }
  } finally {
    await handle.close();
  }
  const out = new Uint8Array(got);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out.buffer;
}

async function probeNifti(file: string, axis: 0 | 1 | 2, volume: number): Promise<ProbedFile> {
  const header = parseNiftiHeader(await niftiHead(file), file);
  const nt = header.shape[3] ?? 1;
  // The chosen volume applies to 4D files; a 3D file in the same folder has only volume 0.
  if (nt > 1 && volume >= nt) {
    throw new Error(
      `${file}: has ${nt} volume${nt === 1 ? '' : 's'} (shape ${header.shape.join('×')}); volume ${volume} does not exist`
    );
  }
  const shape = header.shape.slice(0, 3).filter((_, k) => k !== axis);
  return {
    file,
    format: 'nifti',
    shape,
    items: header.shape[axis],
    nifti: header,
    volume: nt > 1 ? volume : 0
  };
}

export interface ProbeOptions {
  axis: 0 | 1 | 2;
  volume: number;
}

export async function probeFile(
  file: string,
  format: FileFormat,
  options: ProbeOptions
): Promise<ProbedFile> {
  try {
    if (format === 'dicom') return await probeDicom(file);
    if (format === 'nifti') return await probeNifti(file, options.axis, options.volume);
    return await probeImage(file, format);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code) throw ioError(file, error);
    throw error;
  }
}

/** Probes many files with bounded concurrency, in order. */
export async function probeFiles(
  files: { file: string; format: FileFormat }[],
  options: ProbeOptions,
  concurrency = 16
): Promise<ProbedFile[]> {
  const out = new Array<ProbedFile>(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const k = next++;
      out[k] = await probeFile(files[k].file, files[k].format, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  return out;
}

/** Transfer syntaxes among probed DICOM files that need a codec (JPEG 2000). */
export function compressedSyntaxes(probed: ProbedFile[]): Set<string> {
  return new Set(
    probed.map(p => p.transferSyntax).filter((u): u is string => !!u && u in JPEG2000_SYNTAXES)
  );
}

export async function readWhole(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    throw ioError(path.resolve(file), error);
  }
}
