/**
 * The fast paths of ./typed-loops against the plain per-pixel definitions: word-wise table
 * lookups (any length, any byte offset), the bitwise shortcuts, rounding on store, and
 * parameter-keyed tables that must never serve another parameter set.
 */
import { imageHeader, type DataDict } from '../data/datadict';
import { allocate } from '../data/ndarray';
import { roundHalfEven, storeAs } from './image';
import { applyModule } from './registry';
import { withoutImageKernels } from '../simd/wasm-kernels';
import { lookupUint16, lookupUint8, maskPixels, storeValues } from './typed-loops';

/** Deterministic pseudo-random bytes (no Math.random in tests). */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

const tables: [string, (v: number) => number][] = [
  ['invert (xor)', v => 255 - v],
  ['mask (and)', v => v & 0xf0],
  ['identity', v => v],
  ['general', v => Math.min(255, Math.round((v * 7) / 3))]
];

test.each(tables)('lookupUint8 %s: every length and byte offset', (_, fn) => {
  const lut = Uint8Array.from({ length: 256 }, (_, v) => fn(v));
  const base = bytes(1031, 7);
  for (const offset of [0, 1, 3]) {
    for (const length of [0, 1, 5, 1024, 1027]) {
      const src = base.subarray(offset, offset + length);
      const out = lookupUint8(src, lut);
      expect(out.length).toBe(length);
      expect(Array.from(out)).toEqual(Array.from(src, v => lut[v]));
    }
  }
});

test('lookupUint16 on odd lengths and offsets', () => {
  const raw = bytes(2 * 1001 + 2, 3);
  const src = new Uint16Array(raw.buffer, 2, 1001);
  const lut = Uint16Array.from({ length: 65536 }, (_, v) => (v * 3 + 1) & 0xffff);
  expect(Array.from(lookupUint16(src, lut))).toEqual(Array.from(src, v => lut[v]));
});

test.each([true, false])(
  'maskPixels xor and and, uint8 and uint16, odd lengths and offsets (kernels: %s)',
  kernels => {
    const run = <T>(fn: () => T): T => (kernels ? fn() : withoutImageKernels(fn));
    const raw = bytes(2 * 1001 + 2, 3);
    for (const length of [0, 1, 7, 33, 1001]) {
      const u16 = new Uint16Array(raw.buffer, 2, length);
      const u8 = raw.subarray(3, 3 + length);
      expect(Array.from(run(() => maskPixels(u16, 0xffff, 'xor')))).toEqual(
        Array.from(u16, v => 65535 - v)
      );
      expect(Array.from(run(() => maskPixels(u16, 0xfc00, 'and')))).toEqual(
        Array.from(u16, v => v & 0xfc00)
      );
      expect(Array.from(run(() => maskPixels(u8, 0xff, 'xor')))).toEqual(
        Array.from(u8, v => 255 - v)
      );
      expect(Array.from(run(() => maskPixels(u8, 0xf0, 'and')))).toEqual(
        Array.from(u8, v => v & 0xf0)
      );
    }
  }
);

test('storeValues rounds half to even and saturates like storeAs (NaN stores 0)', () => {
  const values = Float64Array.from([
    -3,
    -0.5,
    0.5,
    1.5,
    2.5,
    2.4999,
    254.5,
    255.5,
    300,
    65534.5,
    7e4,
    NaN
  ]);
  for (const dtype of ['uint8', 'uint16', 'int16', 'float32'] as const) {
    // The definition: storeAs per value, written into an array of the dtype.
    const expected = allocate(dtype, values.length);
    values.forEach((v, i) => (expected[i] = storeAs(dtype, v)));
    expect(Array.from(storeValues(dtype, values))).toEqual(Array.from(expected));
  }
  expect(roundHalfEven(2.5)).toBe(2);
});

function image16(data: Uint16Array): DataDict {
  const shape = [data.length / 256, 256];
  return {
    image: {
      array: { data, shape, dtype: 'uint16' },
      header: imageHeader(shape, 'uint16', 'CT', [0, 65535])
    },
    label: {},
    meta: { split: 'train', index: 0 }
  };
}

test('cached value tables never answer for other parameters', () => {
  const data = new Uint16Array(65536 * 2);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xffff;
  const item = image16(data);
  // Alternate parameter sets so that each table is fetched from the cache at least once.
  for (const gamma of [0.5, 2, 0.5, 2]) {
    const out = applyModule('gamma_correction', item, { gamma })!.image.array.data;
    for (const i of [0, 1, 4097, 65535, 100000, 131071]) {
      const v = data[i];
      expect(out[i]).toBe(storeAs('uint16', 65535 * (v / 65535) ** gamma));
    }
  }
  for (const [slope, intercept] of [
    [1.5, -20],
    [0.5, 100],
    [1.5, -20]
  ]) {
    const out = applyModule('linear_function', item, { slope, intercept })!.image.array.data;
    for (const i of [3, 777, 65000, 120000]) {
      expect(out[i]).toBe(storeAs('uint16', Math.fround(data[i] * slope + intercept)));
    }
  }
});
