/**
 * The data dicts the loaders make travel to the Python worker and back unchanged: every array
 * byte-exact with its dtype and shape, every header field (DICOM and NIfTI facts included).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DataDict } from './datadict';
import { dicom, folder, nifti } from './loaders';
import { encodePng } from './png';
import { applyModuleAsync, unregister } from '../modules/registry';
import { PythonWorker, type PythonIO } from '../../python';

const FIXTURES = path.join(__dirname, '../../../../data/fixtures');
const io: PythonIO = { stdout: () => undefined, stderr: () => undefined };
let worker: PythonWorker;
let root: string;

beforeAll(async () => {
  worker = new PythonWorker();
  // An identity module that also checks, in Python, what arrived.
  const error = await worker.defineModule(
    'datadict_echo',
    `import numpy as np
class DatadictEcho:
    def __call__(self, data):
        a = data['image']['array']
        assert isinstance(a, np.ndarray) and str(a.dtype) == data['image']['header']['dtype'], a.dtype
        assert list(a.shape) == list(data['image']['header'].get('shape', a.shape))
        assert data['label']['classification']['array'].dtype == np.float32
        return data
`,
    io
  );
  if (error) throw new Error(`${error.ename}: ${error.evalue}`);
  root = mkdtempSync(path.join(tmpdir(), 'medflow-dd-'));
  for (const cls of ['a', 'b']) mkdirSync(path.join(root, cls));
  copyFileSync(path.join(FIXTURES, 'dicom/CT_small.dcm'), path.join(root, 'a/ct.dcm'));
  copyFileSync(path.join(FIXTURES, 'dicom/MR_small.dcm'), path.join(root, 'b/mr.dcm'));
  copyFileSync(path.join(FIXTURES, 'nifti/example4d.nii.gz'), path.join(root, 'a/v.nii.gz'));
  const rgb = new Uint8Array(5 * 4 * 3).map((_, i) => i * 3);
  writeFileSync(path.join(root, 'b/rgb.png'), encodePng(rgb, 4, 5, 3));
});

afterAll(async () => {
  unregister('datadict_echo');
  await worker.dispose();
  rmSync(root, { recursive: true, force: true });
});

async function roundTrip(d: DataDict): Promise<void> {
  const back = await applyModuleAsync('datadict_echo', structuredClone(d));
  expect(back).toEqual(d);
  expect(back!.image.array.data.constructor).toBe(d.image.array.data.constructor);
}

test('DICOM (float32 HU, int16 MR), NIfTI slices and RGB PNG data dicts round-trip unchanged', async () => {
  const split = { train: 1 };
  const items: DataDict[] = [];
  for (const ds of [
    await dicom(root, { split }),
    await nifti(root, { split, axis: 0, volume: 1 }),
    await folder(root, { split, formats: ['png'] })
  ]) {
    for (let i = 0; i < ds.train.length; i += Math.max(1, Math.floor(ds.train.length / 3))) {
      items.push(ds.train.get(i));
    }
  }
  expect(new Set(items.map(d => d.image.array.dtype))).toEqual(
    new Set(['float32', 'int16', 'uint8'])
  );
  expect(items.some(d => d.image.header.nifti)).toBe(true);
  expect(items.some(d => d.image.header.window)).toBe(true);
  for (const d of items) await roundTrip(d);
});
