/**
 * Small real data for tuning tests and quick studies: the first items of each split of a
 * built-in MedMNIST set, written as a MedMNIST-style .npz that worker threads and `medflow
 * worker` processes can read by path.
 */
import { writeFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { loadBuiltin } from '../data/builtin';
import { SPLITS, type SplitName } from '../data/dataset';
import { writeNpy } from '../data/npy';

/** Writes `file` with the first `counts[split]` images and labels of each split of `name`. */
export async function writeSubsetNpz(
  name: string,
  file: string,
  counts: Record<SplitName, number>
): Promise<void> {
  const ds = await loadBuiltin(name);
  const entries: Record<string, Uint8Array> = {};
  for (const s of SPLITS) {
    const split = ds.splits[s];
    const n = Math.min(counts[s], split.length);
    const images = split.images;
    const per = images.shape.slice(1).reduce((a, b) => a * b, 1);
    entries[`${s}_images.npy`] = writeNpy({
      dtype: images.dtype,
      shape: [n, ...images.shape.slice(1)],
      data: images.data.slice(0, n * per)
    });
    entries[`${s}_labels.npy`] = writeNpy({
      dtype: 'int32',
      shape: [n],
      data: Int32Array.from(split.labels.slice(0, n))
    });
  }
  writeFileSync(file, zipSync(entries));
}
