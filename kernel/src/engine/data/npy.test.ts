import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseNpy, writeNpy, NpyFormatError } from './npy';
import { parseNpz, readNpz } from './npz';
import { packageRoot } from './builtin';
import { pythonMakeFiles, runPython } from '../testing/python';

const pneumonia = path.join(packageRoot(), 'data', 'medmnist', 'pneumoniamnist.npz');

test('reads the real PneumoniaMNIST archive exactly as numpy does', async () => {
  const arrays = await readNpz(pneumonia);
  const reference = runPython<
    Record<string, { shape: number[]; dtype: string; sum: number; first: number[] }>
  >(
    `import numpy as np
d = np.load('${pneumonia}')
print(json.dumps({k: {'shape': list(d[k].shape), 'dtype': str(d[k].dtype), 'sum': int(d[k].astype(np.int64).sum()),
                     'first': d[k].ravel()[:50].tolist()} for k in d.files}))`
  );
  expect(Object.keys(arrays).sort()).toEqual(Object.keys(reference).sort());
  for (const [key, ref] of Object.entries(reference)) {
    const a = arrays[key];
    expect(a.shape).toEqual(ref.shape);
    expect(a.dtype).toBe(ref.dtype);
    expect(a.data).toBeInstanceOf(Uint8Array);
    expect((a.data as Uint8Array).reduce((s, v) => s + v, 0)).toBe(ref.sum);
    expect(Array.from(a.data.subarray(0, 50) as Uint8Array)).toEqual(ref.first);
  }
});

test('reads only the keys asked for, and names missing ones', async () => {
  const arrays = await readNpz(pneumonia, ['val_labels']);
  expect(Object.keys(arrays)).toEqual(['val_labels']);
  expect(arrays.val_labels.shape).toEqual([524, 1]);
  await expect(readNpz(pneumonia, ['nope'])).rejects.toThrow(
    /pneumoniamnist\.npz: missing array 'nope' \(archive has: train_images, train_labels/
  );
});

describe('dtypes, byte orders, Fortran order and compression (files written by numpy)', () => {
  let dir: string;
  beforeAll(() => {
    dir = pythonMakeFiles(`import numpy as np, os
a = np.arange(24).reshape(2, 3, 4)
arrays = dict(f4=a.astype('<f4') / 7, f8=a.astype('<f8') / 3, i8=a.astype('<i8') - 5, u1=a.astype('u1'),
              i2=(a - 12).astype('<i2'), u2=a.astype('<u2') * 1000, i4be=(a - 3).astype('>i4'), b=(a % 3 == 0),
              fortran=np.asfortranarray(a.astype('<f4')), scalar=np.array(3.5, '<f8'), empty=np.zeros((0, 5), 'u1'))
np.savez(os.path.join(out, 'plain.npz'), **arrays)
np.savez_compressed(os.path.join(out, 'compressed.npz'), **arrays)
np.save(os.path.join(out, 'c8.npy'), np.zeros(3, np.complex64))
np.save(os.path.join(out, 'str.npy'), np.array(['ab', 'cd']))
`);
  });

  test.each(['plain.npz', 'compressed.npz'])('%s', file => {
    const arrays = parseNpz(readFileSync(path.join(dir, file)), file);
    const base = Array.from({ length: 24 }, (_, i) => i);
    expect(arrays.f4.dtype).toBe('float32');
    expect(Array.from(arrays.f4.data as Float32Array)).toEqual(base.map(v => Math.fround(v / 7)));
    expect(Array.from(arrays.f8.data as Float64Array)).toEqual(base.map(v => v / 3));
    expect(arrays.i8.dtype).toBe('int64');
    expect(Array.from(arrays.i8.data as BigInt64Array)).toEqual(base.map(v => BigInt(v - 5)));
    expect(Array.from(arrays.u1.data as Uint8Array)).toEqual(base);
    expect(Array.from(arrays.i2.data as Int16Array)).toEqual(base.map(v => v - 12));
    expect(Array.from(arrays.u2.data as Uint16Array)).toEqual(base.map(v => v * 1000));
    expect(Array.from(arrays.i4be.data as Int32Array)).toEqual(base.map(v => v - 3));
    expect(arrays.b.dtype).toBe('bool');
    expect(Array.from(arrays.b.data as Uint8Array)).toEqual(base.map(v => (v % 3 === 0 ? 1 : 0)));
    // Fortran-ordered data comes back in C order with the same shape.
    expect(arrays.fortran.shape).toEqual([2, 3, 4]);
    expect(Array.from(arrays.fortran.data as Float32Array)).toEqual(base);
    expect(arrays.scalar.shape).toEqual([]);
    expect(Array.from(arrays.scalar.data as Float64Array)).toEqual([3.5]);
    expect(arrays.empty.shape).toEqual([0, 5]);
    expect(arrays.empty.data.length).toBe(0);
  });

  test('aligned little-endian data is a view on the file bytes, not a copy', () => {
    // .npy headers are padded to 64 bytes, so the data of this file is aligned.
    const own = writeNpy({ data: new Float32Array([1, 2, 3]), shape: [3], dtype: 'float32' });
    const parsed = parseNpy(own, 'own.npy');
    expect(parsed.data.buffer).toBe(own.buffer);
    expect(Array.from(parsed.data as Float32Array)).toEqual([1, 2, 3]);
  });

  test('unsupported dtypes fail with the file name and dtype', () => {
    expect(() => parseNpy(readFileSync(path.join(dir, 'c8.npy')), 'c8.npy')).toThrow(
      "c8.npy: unsupported dtype '<c8'"
    );
    expect(() => parseNpy(readFileSync(path.join(dir, 'str.npy')), 'str.npy')).toThrow(
      /str\.npy: unsupported dtype '<U2'/
    );
  });

  test('corrupt and truncated files fail clearly, naming the archive and key', () => {
    const good = readFileSync(path.join(dir, 'plain.npz'));
    const bad = path.join(dir, 'bad.npz');
    writeFileSync(bad, good.subarray(0, 100));
    expect(() => parseNpz(readFileSync(bad), 'bad.npz')).toThrow(/bad\.npz: not a readable \.npz/);
    const npy = writeNpy({ data: new Float32Array(100), shape: [10, 10], dtype: 'float32' });
    expect(() => parseNpy(npy.subarray(0, 200), 'x.npz:train_images')).toThrow(
      'x.npz:train_images: truncated data: shape (10, 10) of <f4 needs 400 bytes, file has 72'
    );
    expect(() => parseNpy(new Uint8Array(20), 'y.npy')).toThrow(NpyFormatError);
    expect(() => parseNpy(new Uint8Array(20), 'y.npy')).toThrow('y.npy: not a .npy array');
  });
});

test('writeNpy round-trips through numpy', () => {
  const data = new Float32Array([0.5, -1.25, 3, 4, 5, 6]);
  const got = runPython<{ shape: number[]; values: number[]; dtype: string }>(
    `import numpy as np
a = np.load(files['a'])
print(json.dumps({'shape': list(a.shape), 'values': a.ravel().tolist(), 'dtype': str(a.dtype)}))`,
    { a: { data, shape: [2, 3], dtype: 'float32' } }
  );
  expect(got).toEqual({ shape: [2, 3], values: Array.from(data), dtype: 'float32' });
});
