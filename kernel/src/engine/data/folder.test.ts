import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SPLITS } from './dataset';
import { csv, dicom, folder, nifti, reloadDataset } from './loaders';
import { encodePng } from './png';
import { MIME_BUNDLE } from '../mimebundle';
import { PNG } from 'pngjs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const FIXTURES = path.join(__dirname, '../../../../data/fixtures');
const dirs: string[] = [];
afterAll(() => dirs.forEach(d => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'medflow-folder-'));
  dirs.push(d);
  return d;
}

/** A gray PNG whose first pixel is `tag` (to recognise it), size h×w. */
function grayPng(file: string, h: number, w: number, tag: number): void {
  const px = new Uint8Array(h * w).map((_, i) => (i * 7 + tag) & 255);
  px[0] = tag;
  writeFileSync(file, encodePng(px, w, h, 1));
}

/** A 16-bit gray PNG via pngjs (the writer of png.ts is 8-bit only). */
function gray16Png(file: string, h: number, w: number): void {
  const png = new PNG({ width: w, height: h, bitDepth: 16, colorType: 0, inputColorType: 0 });
  const data = new Uint16Array(h * w).map((_, i) => i * 1000);
  png.data = Buffer.from(data.buffer);
  writeFileSync(file, PNG.sync.write(png, { bitDepth: 16, colorType: 0, inputColorType: 0 }));
}

test('class sub-folders: stratified, seeded splits, counts per class, mixed sizes reported', async () => {
  const root = tempDir();
  const sizes: Record<string, number> = { benign: 40, malignant: 13, normal: 27 };
  let tag = 0;
  for (const [cls, n] of Object.entries(sizes)) {
    mkdirSync(path.join(root, cls));
    for (let i = 0; i < n; i++) {
      grayPng(path.join(root, cls, `img${i}.png`), i % 3 === 0 ? 20 : 16, 16, tag++);
    }
  }
  mkdirSync(path.join(root, 'normal', 'nested'));
  gray16Png(path.join(root, 'normal', 'nested', 'deep.png'), 8, 8);
  writeFileSync(path.join(root, 'normal', 'notes.txt'), 'not an image');
  sizes.normal++;

  const ratios = { train: 0.6, val: 0.2, test: 0.2 };
  const ds = await folder(root, { split: ratios, seed: 3 });
  expect(ds.classes).toEqual(['benign', 'malignant', 'normal']);
  expect(ds.length).toBe(81);
  for (const s of SPLITS) {
    ds.splits[s].classCounts().forEach((count, c) => {
      expect(Math.abs(count - sizes[ds.classes[c]] * ratios[s])).toBeLessThan(1);
    });
  }
  expect(ds.imageShape).toEqual([]);
  expect(ds.sizes().map(s => [s.shape.join('×'), s.count])).toEqual([
    ['16×16', 52],
    ['20×16', 28],
    ['8×8', 1]
  ]);
  const text = ds.toString().split('\n');
  expect(text[0]).toBe(
    `Dataset ${path.basename(root)} (folder): 81 images uint8, mixed sizes: 16×16 (52), 20×16 (28), 8×8 (1), unknown, 3 classes`
  );
  expect(text[1]).toMatch(/^split\s+benign\s+malignant\s+normal\s+total$/);
  const bundle = ds[MIME_BUNDLE]();
  expect(bundle['image/png']).toBeDefined();

  // Items carry their file and label; 16-bit files stay 16-bit.
  const files = (s: (typeof SPLITS)[number]) =>
    Array.from({ length: ds.splits[s].length }, (_, i) => ds.splits[s].get(i).image.header.file);
  const all = SPLITS.flatMap(files);
  expect(new Set(all).size).toBe(81);
  const deep = SPLITS.flatMap(s =>
    Array.from({ length: ds.splits[s].length }, (_, i) => ds.splits[s].get(i))
  ).find(d => d.image.header.file!.endsWith('deep.png'))!;
  expect(deep.image.array.dtype).toBe('uint16');
  expect(deep.label.classification!.array.data).toEqual(new Float32Array([0, 0, 1]));

  // Same seed: same assignment; another seed: another one.
  const again = await folder(root, { split: ratios, seed: 3 });
  for (const s of SPLITS) {
    expect(
      Array.from(
        { length: again.splits[s].length },
        (_, i) => again.splits[s].get(i).image.header.file
      )
    ).toEqual(files(s));
  }
  const other = await folder(root, { split: ratios, seed: 4 });
  expect(
    Array.from({ length: other.val.length }, (_, i) => other.val.get(i).image.header.file)
  ).not.toEqual(files('val'));

  // Streamed splits have no in-memory array, and say so.
  expect(() => ds.train.images).toThrow('is read from files item by item');
});

test('flat folder + CSV (filename,class): header line, numeric classes, missing files named', async () => {
  const root = tempDir();
  const rows = ['filename,class'];
  for (let i = 0; i < 30; i++) {
    grayPng(path.join(root, `${i}.png`), 10, 12, i);
    rows.push(`${i}.png,${i % 3 === 0 ? 10 : 2}`);
  }
  writeFileSync(path.join(root, 'labels.csv'), rows.join('\n') + '\n');
  const ds = await csv(path.join(root, 'labels.csv'), { split: { train: 0.8, val: 0.2 }, seed: 1 });
  expect(ds.classes).toEqual(['2', '10']);
  expect(ds.toRef()).toMatchObject({
    source: 'csv',
    shape: [10, 12],
    splits: { train: 24, val: 6, test: 0 }
  });
  expect(ds.train.classCounts()).toEqual([16, 8]);
  const viaFolder = await folder(root, {
    csv: 'labels.csv',
    split: { train: 0.8, val: 0.2 },
    seed: 1
  });
  expect(viaFolder.val.get(0).image.header.file).toBe(ds.val.get(0).image.header.file);
  // The label matches the CSV row of the file.
  const item = ds.val.get(2);
  const n = Number(path.basename(item.image.header.file!, '.png'));
  expect(ds.classes[item.label.classification!.array.data.indexOf(1)]).toBe(
    n % 3 === 0 ? '10' : '2'
  );

  // A pipeline document's reference loads the same dataset again: same splits, same order.
  const ref = JSON.parse(JSON.stringify(ds.toRef()));
  const reloaded = await reloadDataset(ref);
  expect(reloaded.toRef()).toEqual(ref);
  expect(reloaded.val.get(3).image.header.file).toBe(ds.val.get(3).image.header.file);

  writeFileSync(path.join(root, 'bad.csv'), 'a.png,x\n0.png,y\n');
  await expect(csv(path.join(root, 'bad.csv'))).rejects.toThrow(
    `${path.join(root, 'bad.csv')}:1: a.png does not exist (looked in ${root})`
  );
  await expect(folder(root, { csv: 'labels.csv', classes: ['2'] })).rejects.toThrow(
    'class 10 is not in classes [2]'
  );
  await expect(folder(path.join(root, 'nope'))).rejects.toThrow('cannot read folder');
});

test('DICOM folder: classes from sub-folders, HU values, JPEG 2000, truncated files named', async () => {
  const root = tempDir();
  mkdirSync(path.join(root, 'ct'));
  mkdirSync(path.join(root, 'other'));
  for (let i = 0; i < 4; i++) {
    copyFileSync(path.join(FIXTURES, 'dicom/CT_small.dcm'), path.join(root, 'ct', `ct${i}.dcm`));
    copyFileSync(path.join(FIXTURES, 'dicom/MR_small.dcm'), path.join(root, 'other', `mr${i}`));
  }
  copyFileSync(path.join(FIXTURES, 'dicom/JPEG2000.dcm'), path.join(root, 'other', 'nm.dcm'));
  writeFileSync(path.join(root, 'other', 'LICENSE'), 'not an image, skipped');
  const ds = await dicom(root, { split: { train: 0.5, val: 0.25, test: 0.25 }, seed: 0 });
  expect(ds.length).toBe(9);
  expect(ds.info.modality).toBe('CT');
  const items = SPLITS.flatMap(s =>
    Array.from({ length: ds.splits[s].length }, (_, i) => ds.splits[s].get(i))
  );
  const ct = items.find(d => d.image.header.modality === 'CT')!;
  expect(ct.image.array.dtype).toBe('float32');
  expect(ct.image.header.dicom!.rescale_intercept).toBe(-1024);
  expect(items.find(d => d.image.header.modality === 'NM')!.image.array.shape).toEqual([1024, 256]);
  // Async reads give the same pixels.
  const loaded = await ds.train.load(0);
  expect(loaded.image.array.data).toEqual(ds.train.get(0).image.array.data);

  // The same files labelled by a CSV instead of sub-folders.
  const rows = ['file,class', 'ct/ct0.dcm,ct', 'ct/ct1.dcm,ct', 'other/mr0,mr', 'other/mr1,mr'];
  writeFileSync(path.join(root, 'labels.csv'), rows.join('\n'));
  const byCsv = await dicom(root, { csv: 'labels.csv', split: { train: 0.5, test: 0.5 } });
  expect(byCsv.classes).toEqual(['ct', 'mr']);
  expect([byCsv.train.classCounts(), byCsv.test.classCounts()]).toEqual([
    [1, 1],
    [1, 1]
  ]);

  copyFileSync(path.join(FIXTURES, 'dicom/MR_truncated.dcm'), path.join(root, 'other', 'cut.dcm'));
  await expect(dicom(root)).rejects.toThrow(
    `${path.join(root, 'other', 'cut.dcm')}: file is truncated: pixel data needs 8192 bytes from offset 1500, the file has 9630 bytes`
  );
});

test('NIfTI folder: volumes as slices along an axis, a volume never spans two splits', async () => {
  const root = tempDir();
  mkdirSync(path.join(root, 'a'));
  mkdirSync(path.join(root, 'b'));
  for (let i = 0; i < 3; i++) {
    copyFileSync(path.join(FIXTURES, 'nifti/anatomical.nii'), path.join(root, 'a', `v${i}.nii`));
    copyFileSync(
      path.join(FIXTURES, 'nifti/example4d.nii.gz'),
      path.join(root, 'b', `v${i}.nii.gz`)
    );
  }
  const ds = await nifti(root, {
    axis: 1,
    volume: 1,
    split: { train: 2 / 3, test: 1 / 3 },
    seed: 5
  });
  // axis 1: anatomical 33×41×25 gives 41 slices of 33×25; example4d 128×96×24 gives 96 of 128×24.
  expect(ds.length).toBe(3 * 41 + 3 * 96);
  expect(ds.train.classCounts()).toEqual([2 * 41, 2 * 96]);
  expect(ds.test.classCounts()).toEqual([41, 96]);
  expect(ds.sizes().map(s => s.shape)).toEqual([
    [128, 24],
    [33, 25]
  ]);
  const fileOf = (s: 'train' | 'test') =>
    new Set(
      Array.from({ length: ds.splits[s].length }, (_, i) => ds.splits[s].get(i).image.header.file)
    );
  const train = fileOf('train');
  for (const f of fileOf('test')) expect(train.has(f)).toBe(false);
  const slice = ds.test.get(0).image.header;
  expect(slice.nifti).toMatchObject({ axis: 1, slice: 0 });
  // The volume index applies to 4D files; 3D files have just one.
  await expect(nifti(root, { volume: 2 })).rejects.toThrow(
    'has 2 volumes (shape 128×96×24×2); volume 2 does not exist'
  );
});

test('streaming: 2,000 PNG files are iterated in batches with bounded memory', async () => {
  const root = tempDir();
  const [h, w, n] = [256, 256, 2000];
  for (const cls of ['x', 'y']) mkdirSync(path.join(root, cls));
  const px = new Uint8Array(h * w);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < px.length; k++) px[k] = (k * 31 + i * 17 + ((k * k) >> 7)) & 255;
    writeFileSync(path.join(root, i % 2 ? 'x' : 'y', `${i}.png`), encodePng(px, w, h, 1));
  }
  const t = performance.now();
  const ds = await folder(root, { split: { train: 1 }, seed: 0 });
  const listSeconds = (performance.now() - t) / 1000;
  expect(ds.train.length).toBe(n);
  // Collect garbage after each batch so that RSS shows what is held, not what awaits collection.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().rss;
  let peak = before;
  let seen = 0;
  let checksum = 0;
  const t0 = performance.now();
  for await (const batch of ds.train.batches(64)) {
    for (const d of batch) checksum += (d.image.array.data as Uint8Array)[5];
    seen += batch.length;
    gc();
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const seconds = (performance.now() - t0) / 1000;
  const decodedMB = (n * h * w) / 2 ** 20;
  const growthMB = (peak - before) / 2 ** 20;
  console.log(
    `listed and probed ${n} PNGs in ${listSeconds.toFixed(2)} s; streamed ${seen} PNGs (${h}×${w}, ${decodedMB.toFixed(0)} MB decoded in all) in ` +
      `${seconds.toFixed(1)} s (${(seen / seconds).toFixed(0)} images/s); RSS growth ${growthMB.toFixed(1)} MB`
  );
  expect(seen).toBe(n);
  expect(checksum).toBeGreaterThan(0);
  // Holding every image would need 125 MB more; two 64-image batches are 8 MB.
  expect(growthMB).toBeLessThan(decodedMB / 4);
});
