/** Resize, rescale and grayscale against OpenCV on real PneumoniaMNIST images. */
import { loadBuiltin } from '../data/builtin';
import type { Dataset } from '../data/dataset';
import type { DataDict } from '../data/datadict';
import type { NDArray } from '../data/ndarray';
import { runPython } from '../testing/python';
import { applyModule } from './registry';

let ds: Dataset;
const ITEMS = [0, 17, 400, 623];

beforeAll(async () => {
  ds = await loadBuiltin('pneumoniamnist');
});

function apply(module: string, data: DataDict, params: Record<string, unknown>): DataDict {
  return applyModule(module, data, params)!;
}

/** cv2.resize of each input array to (h, w); arrays come back as flat lists. */
function cv2Resize(
  inputs: NDArray[],
  h: number,
  w: number,
  interpolation: 'nearest' | 'bilinear'
): number[][] {
  const flag = interpolation === 'nearest' ? 'cv2.INTER_NEAREST' : 'cv2.INTER_LINEAR';
  const arrays = Object.fromEntries(inputs.map((a, i) => [`a${i}`, a]));
  return runPython<number[][]>(
    `import numpy as np, cv2
out = [cv2.resize(np.load(files['a%d' % i]), (${w}, ${h}), interpolation=${flag}).ravel().tolist() for i in range(${inputs.length})]
print(json.dumps(out))`,
    arrays
  );
}

const SIZES: [number, number][] = [
  [32, 32],
  [64, 64],
  [14, 14],
  [20, 45],
  [28, 28],
  [9, 100]
];

test.each(SIZES)('nearest %i×%i matches cv2.INTER_NEAREST exactly (uint8)', (h, w) => {
  const items = ITEMS.map(i => ds.test.get(i));
  const ours = items.map(d =>
    apply('resize', d, { height: h, width: w, interpolation: 'nearest' })
  );
  const ref = cv2Resize(
    items.map(d => d.image.array),
    h,
    w,
    'nearest'
  );
  ours.forEach((o, k) => {
    expect(o.image.array.shape).toEqual([h, w]);
    expect(o.image.array.dtype).toBe('uint8');
    expect(Array.from(o.image.array.data as Uint8Array)).toEqual(ref[k]);
  });
});

test.each(SIZES)('bilinear %i×%i matches cv2.INTER_LINEAR within 1e-4 (float32)', (h, w) => {
  const items = ITEMS.map(i => apply('rescale', ds.test.get(i), {}));
  const ours = items.map(d => apply('resize', d, { height: h, width: w }));
  const ref = cv2Resize(
    items.map(d => d.image.array),
    h,
    w,
    'bilinear'
  );
  ours.forEach((o, k) => {
    expect(o.image.array.dtype).toBe('float32');
    const a = o.image.array.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - ref[k][i]));
    expect(a.length).toBe(h * w);
    expect(worst).toBeLessThan(1e-4);
  });
});

test('bilinear on uint8 stays uint8, within 1 grey level of cv2 (which uses fixed point)', () => {
  const items = ITEMS.map(i => ds.test.get(i));
  const ours = items.map(d => apply('resize', d, { height: 45, width: 33 }));
  const ref = cv2Resize(
    items.map(d => d.image.array),
    45,
    33,
    'bilinear'
  );
  ours.forEach((o, k) => {
    const a = o.image.array.data as Uint8Array;
    expect(o.image.array.dtype).toBe('uint8');
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - ref[k][i])))).toBeLessThanOrEqual(1);
  });
});

test('resize keeps channels of H×W×C images and updates the spacing', () => {
  const rgb = new Float32Array(5 * 7 * 3).map((_, i) => (i * 37) % 101);
  const item: DataDict = { ...ds.test.get(0) };
  item.image = {
    array: { data: rgb, shape: [5, 7, 3], dtype: 'float32' },
    header: { ...item.image.header, ndim: 3, color_mode: 'RGB', dtype: 'float32' }
  };
  const out = apply('resize', item, { height: 11, width: 4 });
  expect(out.image.array.shape).toEqual([11, 4, 3]);
  expect(out.image.header.spacing).toEqual([5 / 11, 7 / 4]);
  const ref = cv2Resize([item.image.array], 11, 4, 'bilinear')[0];
  const a = out.image.array.data as Float32Array;
  expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - ref[i])))).toBeLessThan(1e-4);
  const gray = apply('grayscale', item, {});
  const refGray = runPython<number[]>(
    `import numpy as np, cv2
print(json.dumps(cv2.cvtColor(np.load(files['a']), cv2.COLOR_RGB2GRAY).ravel().tolist()))`,
    { a: item.image.array }
  );
  expect(gray.image.array.shape).toEqual([5, 7]);
  expect(gray.image.header.color_mode).toBe('L');
  const g = gray.image.array.data as Float32Array;
  expect(Math.max(...Array.from(g, (v, i) => Math.abs(v - refGray[i])))).toBeLessThan(1e-3);
});

test('rescale maps the uint8 range to [min, max] like numpy, and min_max_normalization per image', () => {
  const item = ds.test.get(17);
  const ref = runPython<{ unit: number[]; sym: number[]; mm: number[] }>(
    `import numpy as np
a = np.load(files['a']).astype(np.float32)
mm = (a - a.min()) / (a.max() - a.min())
print(json.dumps({'unit': (a / 255).ravel().tolist(), 'sym': (a / 255 * 2 - 1).ravel().tolist(), 'mm': mm.ravel().tolist()}))`,
    { a: item.image.array }
  );
  const close = (x: ArrayLike<number>, y: number[]) =>
    Math.max(...Array.from(x as Float32Array, (v, i) => Math.abs(v - y[i])));
  const unit = apply('rescale', item, {});
  expect(unit.image.header.pixel_value_range).toEqual([0, 1]);
  expect(unit.image.header.dtype).toBe('float32');
  expect(close(unit.image.array.data as Float32Array, ref.unit)).toBeLessThan(1e-6);
  const sym = apply('rescale', item, { min: -1, max: 1 });
  expect(close(sym.image.array.data as Float32Array, ref.sym)).toBeLessThan(1e-6);
  const mm = apply('min_max_normalization', item, {});
  expect(close(mm.image.array.data as Float32Array, ref.mm)).toBeLessThan(1e-6);
  // The input item is not modified.
  expect(item.image.array.dtype).toBe('uint8');
});
