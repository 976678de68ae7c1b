/**
 * Reader of NumPy .npz archives (a zip of .npy files, stored or deflated), via fflate.
 * Only the requested keys are decompressed.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { unzipSync } from 'fflate';
import { NpyFormatError, parseNpy } from './npy';
import type { NDArray } from './ndarray';

export type NpzContents = Record<string, NDArray>;

/** Parses npz bytes; `file` names the archive in errors. */
export function parseNpz(bytes: Uint8Array, file: string, keys?: readonly string[]): NpzContents {
  let entries: Record<string, Uint8Array>;
  const names: string[] = [];
  try {
    entries = unzipSync(bytes, {
      filter: f => {
        const key = f.name.replace(/\.npy$/, '');
        names.push(key);
        return keys === undefined || keys.includes(key);
      }
    });
  } catch (error) {
    throw new NpyFormatError(
      file,
      `not a readable .npz (zip) archive: ${(error as Error).message}`
    );
  }
  const out: NpzContents = {};
  for (const [name, data] of Object.entries(entries)) {
    if (!name.endsWith('.npy')) continue;
    const key = name.slice(0, -4);
    out[key] = parseNpy(data, `${path.basename(file)}:${key}`);
  }
  for (const key of keys ?? []) {
    if (!(key in out)) {
      throw new NpyFormatError(
        file,
        `missing array '${key}' (archive has: ${names.join(', ') || 'nothing'})`
      );
    }
  }
  return out;
}

/** Reads an .npz file from disk. */
export async function readNpz(file: string, keys?: readonly string[]): Promise<NpzContents> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  return parseNpz(bytes, file, keys);
}
