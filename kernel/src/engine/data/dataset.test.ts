import { loadBuiltin, loadNpz, builtinNames } from './builtin';
import { MIME_BUNDLE } from '../mimebundle';
import { classIndex } from './datadict';
import { pythonMakeFiles, runPython } from '../testing/python';
import * as path from 'node:path';

test('PneumoniaMNIST: MedMNIST splits, class names and counts', async () => {
  const ds = await loadBuiltin('pneumoniamnist');
  expect(ds.classes).toEqual(['normal', 'pneumonia']);
  expect(ds.positiveClass).toBe(1);
  expect(ds.imageShape).toEqual([28, 28]);
  expect([ds.train.length, ds.val.length, ds.test.length]).toEqual([3882, 524, 624]);
  expect(ds.test.classCounts()).toEqual([234, 390]);
  expect(ds.toRef()).toEqual({
    name: 'pneumoniamnist',
    source: 'builtin',
    shape: [28, 28],
    classes: ['normal', 'pneumonia'],
    splits: { train: 3882, val: 524, test: 624 }
  });
});

test('BreastMNIST: labels stored as (N,), malignant is the positive class', async () => {
  const ds = await loadBuiltin('breastmnist');
  expect(ds.classes).toEqual(['malignant', 'normal/benign']);
  expect(ds.positiveClass).toBe(0);
  expect(ds.train.classCounts()).toEqual([147, 399]);
  expect(ds.val.classCounts()).toEqual([21, 57]);
  expect(ds.test.classCounts()).toEqual([42, 114]);
});

test('a built-in dataset is read once per process', async () => {
  const [a, b] = await Promise.all([loadBuiltin('breastmnist'), loadBuiltin('BreastMNIST')]);
  expect(b).toBe(a);
  expect(await loadBuiltin('breastmnist')).toBe(a);
});

test('unknown built-in names are refused with the list of names', async () => {
  await expect(loadBuiltin('chestmnist')).rejects.toThrow(
    "unknown built-in dataset 'chestmnist' (available: pneumoniamnist, breastmnist;"
  );
  expect(builtinNames().map(b => b.name)).toEqual(['pneumoniamnist', 'breastmnist']);
});

test('items are data dicts with the image, its header and a one-hot label', async () => {
  const ds = await loadBuiltin('pneumoniamnist');
  const item = ds.test.get(5);
  const ref = runPython<{ pixels: number[]; label: number }>(`import numpy as np
d = np.load('${path.join(__dirname, '../../../../data/medmnist/pneumoniamnist.npz')}')
print(json.dumps({'pixels': d['test_images'][5].ravel().tolist(), 'label': int(d['test_labels'][5, 0])}))`);
  expect(item.image.array.shape).toEqual([28, 28]);
  expect(item.image.array.dtype).toBe('uint8');
  expect(Array.from(item.image.array.data as Uint8Array)).toEqual(ref.pixels);
  expect(item.image.header).toEqual({
    dim: 2,
    ndim: 2,
    dtype: 'uint8',
    modality: 'Xray',
    color_mode: 'L',
    pixel_value_range: [0, 255],
    spacing: [1, 1],
    origin: [0, 0],
    direction: [1, 0, 0, 1]
  });
  const label = item.label.classification!;
  expect(label.header).toEqual({ num_class: 2, class_name: ['normal', 'pneumonia'] });
  expect(Array.from(label.array.data)).toEqual(ref.label === 1 ? [0, 1] : [1, 0]);
  expect(classIndex(label)).toBe(ref.label);
  // Each item owns its pixels: editing one leaves the dataset untouched.
  (item.image.array.data as Uint8Array)[0] = 77;
  expect((ds.test.get(5).image.array.data as Uint8Array)[0]).toBe(ref.pixels[0]);
  // Splits iterate lazily, in order.
  let n = 0;
  for (const d of ds.val) {
    expect(d.meta).toEqual({ split: 'val', index: n });
    if (++n === 3) break;
  }
});

test('displays counts per split and class, and a PNG strip of samples', async () => {
  const ds = await loadBuiltin('pneumoniamnist');
  const bundle = ds[MIME_BUNDLE]();
  const text = bundle['text/plain'] as string;
  expect(text.split('\n')).toEqual([
    'Dataset pneumoniamnist (builtin): 5030 images 28×28 uint8, Xray, 2 classes',
    'split    normal pneumonia     total',
    'train       388      3494      3882',
    'val         135       389       524',
    'test        234       390       624'
  ]);
  const html = bundle['text/html'] as string;
  expect(html).toContain('<th>pneumonia</th>');
  const png = Buffer.from(/base64,([^"]+)"/.exec(html)![1], 'base64');
  expect(bundle['image/png']).toBe(png.toString('base64'));
  const decoded = runPython<{ shape: number[]; first: number[] }>(
    `import numpy as np, cv2
img = cv2.imdecode(np.fromfile(files['png'], dtype=np.uint8)[128:], cv2.IMREAD_UNCHANGED)
print(json.dumps({'shape': list(img.shape), 'first': img[0, :28].tolist()}))`,
    { png: { data: new Uint8Array(png), shape: [png.length], dtype: 'uint8' } }
  );
  // Two rows (classes) of 8 thumbnails with 2-pixel gaps.
  expect(decoded.shape).toEqual([2 * 28 + 2, 8 * 30 - 2]);
  // The first thumbnail is the first normal training image.
  const firstNormal = [...Array(ds.train.length).keys()].find(i => ds.train.labels[i] === 0)!;
  expect(decoded.first).toEqual(
    Array.from((ds.train.get(firstNormal).image.array.data as Uint8Array).subarray(0, 28))
  );
});

test('npz(): any MedMNIST-style archive, labels (N,) or one-hot, RGB images', async () => {
  const dir = pythonMakeFiles(`import numpy as np, os
rng = np.random.default_rng(0)
parts = {}
for s, n in [('train', 10), ('val', 4), ('test', 5)]:
    parts[s + '_images'] = rng.integers(0, 255, (n, 8, 6, 3), dtype=np.uint8)
    parts[s + '_labels'] = np.eye(3, dtype=np.int64)[np.arange(n) % 3]
np.savez(os.path.join(out, 'mine.npz'), **parts)
np.savez(os.path.join(out, 'broken.npz'), train_images=np.zeros((2, 4, 4), 'u1'), train_labels=np.array([0, 5]),
         val_images=np.zeros((1, 4, 4), 'u1'), val_labels=np.array([0]), test_images=np.zeros((1, 4, 4), 'u1'),
         test_labels=np.array([1]))
`);
  const ds = await loadNpz(path.join(dir, 'mine.npz'), { classes: ['a', 'b', 'c'] });
  expect(ds.name).toBe('mine');
  expect(ds.imageShape).toEqual([8, 6, 3]);
  expect(Array.from(ds.train.labels)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
  expect(ds.train.get(0).image.header.color_mode).toBe('RGB');
  expect(ds.toRef().path).toBe(path.join(dir, 'mine.npz'));
  const guessed = await loadNpz(path.join(dir, 'mine.npz'));
  expect(guessed.classes).toEqual(['class_0', 'class_1', 'class_2']);
  await expect(loadNpz(path.join(dir, 'broken.npz'), { classes: ['x', 'y'] })).rejects.toThrow(
    'broken.npz:train_labels: label 5 of item 1 is not a class index 0..1'
  );
  await expect(loadNpz(path.join(dir, 'missing.npz'))).rejects.toThrow(
    /cannot read .*missing\.npz: ENOENT/
  );
});
