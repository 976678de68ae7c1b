import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readNifti } from './loaders';
import { readNiftiVolume } from './nifti';
import { pythonMakeFiles, runPython } from '../testing/python';

const FIXTURES = path.join(__dirname, '../../../../data/fixtures/nifti');
const fixture = (name: string) => path.join(FIXTURES, name);

interface NibabelSlices {
  shape: number[];
  zooms: number[];
  slices: number[][];
  sliceShape: number[];
}

/** nibabel's get_fdata() cut at `index` along `axis` (of volume `t` in 4D files). */
function nibabelSlice(file: string, axis: number, index: number, t = 0): NibabelSlices {
  return runPython<NibabelSlices>(`
import nibabel as nib, numpy as np
img = nib.load(${JSON.stringify(file)})
a = img.get_fdata()
if a.ndim == 4:
    a = a[..., ${t}]
s = np.take(a, ${index}, axis=${axis})
print(json.dumps({'shape': list(img.shape), 'zooms': [float(z) for z in img.header.get_zooms()],
                  'slices': [s.ravel().tolist()], 'sliceShape': list(s.shape)}))`);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

test('anatomical.nii (big-endian int16): every axis matches nibabel get_fdata(), spacing from pixdim', async () => {
  const file = fixture('anatomical.nii');
  for (const axis of [0, 1, 2] as const) {
    const vol = await readNifti(file, { axis });
    const index = Math.floor(vol.slices / 2);
    const ref = nibabelSlice(file, axis, index);
    expect(vol.header.shape).toEqual(ref.shape);
    expect(vol.slices).toBe(ref.shape[axis]);
    const image = vol.slice(index);
    expect(image.array.shape).toEqual(ref.sliceShape);
    expect(image.array.dtype).toBe('int16');
    expect(maxAbsDiff(image.array.data as Int16Array, ref.slices[0])).toBeLessThanOrEqual(1e-6);
    const others = [0, 1, 2].filter(k => k !== axis);
    expect(image.header.spacing).toEqual(others.map(k => ref.zooms[k]));
    expect(image.header.slice_thickness).toBe(ref.zooms[axis]);
    expect(image.header.nifti).toMatchObject({
      axis,
      slice: index,
      volume: 0,
      volume_shape: ref.shape
    });
  }
});

test('example4d.nii.gz: gzip, the chosen volume of a 4D file, errors say what was found', async () => {
  const file = fixture('example4d.nii.gz');
  const vol = await readNifti(file, { axis: 2, volume: 1 });
  expect(vol.header.shape).toEqual([128, 96, 24, 2]);
  const ref = nibabelSlice(file, 2, 10, 1);
  expect(maxAbsDiff(vol.slice(10).array.data as Int16Array, ref.slices[0])).toBeLessThanOrEqual(
    1e-6
  );
  expect(vol.header.spacing.slice(0, 3).map(v => +v.toFixed(5))).toEqual(
    ref.zooms.slice(0, 3).map(v => +v.toFixed(5))
  );
  await expect(readNifti(file, { volume: 2 })).rejects.toThrow(
    `${file}: has 2 volumes (shape 128×96×24×2); volume 2 does not exist`
  );
  await expect(readNifti(file, { axis: 3 as 2 })).rejects.toThrow('slice axis must be 0, 1 or 2');
  expect(() => vol.slice(24)).toThrow('axis 2 has 24 slices; slice 24 does not exist');
});

test('scl_slope/scl_inter are applied (float32), like nibabel; unscaled files keep their dtype', () => {
  const dir = pythonMakeFiles(`
import nibabel as nib, numpy as np, os
rng = np.random.default_rng(3)
data = rng.integers(-300, 300, (7, 5, 4)).astype(np.int16)
img = nib.Nifti1Image(data, np.diag([0.5, 0.75, 3.0, 1.0]))
img.header.set_slope_inter(0.25, -12.5)
nib.save(img, os.path.join(out, 'scaled.nii.gz'))
raw = nib.Nifti1Image(data.astype(np.uint16) + 300, np.eye(4))
raw.header.set_data_dtype(np.uint16)
nib.save(raw, os.path.join(out, 'plain.nii'))
`);
  const scaledFile = path.join(dir, 'scaled.nii.gz');
  const vol = readNiftiVolume(readFileSync(scaledFile), scaledFile);
  expect(vol.dtype).toBe('float32');
  const ref = runPython<{ values: number[] }>(`
import nibabel as nib
a = nib.load(${JSON.stringify(scaledFile)}).get_fdata()
print(json.dumps({'values': a.ravel(order='F').tolist()}))`);
  expect(maxAbsDiff(vol.data, ref.values)).toBeLessThanOrEqual(1e-6);
  expect(vol.header.spacing.slice(0, 3)).toEqual([0.5, 0.75, 3]);
  const plain = path.join(dir, 'plain.nii');
  expect(readNiftiVolume(readFileSync(plain), plain).dtype).toBe('uint16');
});

test('corrupt and unsupported NIfTI files are refused by name', () => {
  const dir = pythonMakeFiles(`
import nibabel as nib, numpy as np, os
nib.save(nib.Nifti1Image(np.zeros((4, 4, 4), np.complex64), np.eye(4)), os.path.join(out, 'complex.nii'))
`);
  const complex = path.join(dir, 'complex.nii');
  expect(() => readNiftiVolume(readFileSync(complex), complex)).toThrow(
    `${complex}: datatype 32 (complex64) is not supported`
  );
  const anat = readFileSync(fixture('anatomical.nii'));
  const cut = path.join(dir, 'cut.nii');
  writeFileSync(cut, anat.subarray(0, 20000));
  expect(() => readNiftiVolume(readFileSync(cut), cut)).toThrow(`${cut}: file is truncated`);
  expect(() => readNiftiVolume(new Uint8Array(400), 'zeros.nii')).toThrow(
    'zeros.nii: not a NIfTI-1/2 file'
  );
});
