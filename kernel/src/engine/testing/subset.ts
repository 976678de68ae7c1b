/**
 * Evenly spaced items of each split of an in-memory dataset, for tests that train: small, and
 * still holding both classes (a prefix would not: some files store their splits ordered by class).
 */
import { Dataset, Split } from '../data/dataset';

export function evenSubset(
  ds: Dataset,
  sizes: number | Record<'train' | 'val' | 'test', number>
): Dataset {
  const pick = (s: Split, n: number) => {
    const size = s.imageShape.reduce((a, b) => a * b, 1);
    const src = s.images.data as Uint8Array;
    const data = new Uint8Array(n * size);
    const labels = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const i = Math.floor((k * s.length) / n);
      data.set(src.subarray(i * size, (i + 1) * size), k * size);
      labels[k] = s.labels[i];
    }
    return new Split(
      s.name,
      { data, shape: [n, ...s.imageShape], dtype: s.images.dtype },
      labels,
      s.info
    );
  };
  const n = typeof sizes === 'number' ? { train: sizes, val: sizes, test: sizes } : sizes;
  return new Dataset(ds.info, {
    train: pick(ds.train, n.train),
    val: pick(ds.val, n.val),
    test: pick(ds.test, n.test)
  });
}
