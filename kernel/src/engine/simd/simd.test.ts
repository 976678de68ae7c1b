/**
 * The WebAssembly SIMD kernels give exactly the values of the modules' TypeScript loops, on
 * images whose widths fall on, just past and well past a vector, one-row and one-column
 * images, and every value of the type (the reference comparison with OpenCV runs on the
 * default path, i.e. these kernels, in modules/reference).
 */
import { imageHeader, type DataDict } from '../data/datadict';
import type { DType, NumericArray } from '../data/ndarray';
import { applyModule } from '../modules/registry';
import { imageKernels, imageKernelsError, withoutImageKernels } from './wasm-kernels';
import { extremesSimd } from './point';

/** An h×w image (h×w×c where c > 1) of the type's full range. */
function image(data: NumericArray, h: number, w: number, dtype: DType, c = 1): DataDict {
  const hi = dtype === 'uint8' ? 255 : 65535;
  const shape = c === 1 ? [h, w] : [h, w, c];
  return {
    image: {
      array: { data, shape, dtype },
      header: imageHeader(shape, dtype, 'CT', [0, hi])
    },
    label: {},
    meta: { split: 'train', index: 0 }
  };
}

/** Seeded values covering the whole range, with runs of equal values and both extremes. */
function pixels(n: number, dtype: DType, seed: number): Uint8Array | Uint16Array {
  const out = dtype === 'uint8' ? new Uint8Array(n) : new Uint16Array(n);
  const hi = dtype === 'uint8' ? 255 : 65535;
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const r = s >>> 8;
    out[i] = r % 7 === 0 ? hi : r % 11 === 0 ? 0 : r % hi;
    if (r % 5 === 0 && i > 0) out[i] = out[i - 1];
  }
  return out;
}

const SHAPES: [number, number][] = [
  [1, 1],
  [1, 40],
  [40, 1],
  [7, 8],
  [9, 16],
  [5, 17],
  [33, 31],
  [64, 70],
  // Enough pixels for uint16 images to take the 65536-entry tables.
  [260, 257]
];

const CASES: [string, Record<string, unknown>][] = [
  ['morphology', { operation: 'erosion', kernel_size: 3 }],
  ['morphology', { operation: 'closing', kernel_shape: 'rect', kernel_size: 7, iterations: 2 }],
  ['morphology', { operation: 'tophat', kernel_shape: 'rect', kernel_size: 4 }],
  ['morphology', { operation: 'dilation', kernel_shape: 'ellipse', kernel_size: 7 }],
  ['morphology', { operation: 'opening', kernel_shape: 'cross', kernel_size: 5, iterations: 2 }],
  ['morphology', { operation: 'gradient', kernel_shape: 'rect', kernel_size: 1 }],
  ['morphology', { operation: 'blackhat', kernel_shape: 'ellipse', kernel_size: 9 }],
  // More runs (11) than the kernels combine in one pass.
  ['morphology', { operation: 'closing', kernel_shape: 'ellipse', kernel_size: 21 }],
  ['median_filter', { kernel_size: 3 }],
  ['median_filter', { kernel_size: 5 }],
  ['gaussian_blur', { kernel_size: 3 }],
  ['gaussian_blur', { kernel_size: 5 }],
  ['gaussian_blur', { kernel_size: 7 }],
  ['gaussian_blur', { kernel_size: 0, sigma: 1.5 }],
  ['gaussian_blur', { kernel_size: 9, sigma: 0 }],
  ['gaussian_blur', { kernel_size: 0, sigma: 1 }],
  ['gaussian_blur', { kernel_size: 3, sigma: 0.1 }],
  ['sharpen', {}],
  ['sharpen', { amount: 2.5, sigma: 0.6 }],
  ['box_blur', { kernel_size: 3 }],
  ['box_blur', { kernel_size: 5 }],
  ['box_blur', { kernel_size: 11 }],
  ['box_blur', { kernel_size: 31 }],
  ['sobel', { direction: 'magnitude', kernel_size: 3 }],
  ['sobel', { direction: 'x', kernel_size: 3 }],
  ['sobel', { direction: 'y', kernel_size: 3 }],
  ['sobel', { direction: 'x', kernel_size: 1 }],
  ['sobel', { direction: 'y', kernel_size: 5 }],
  ['sobel', { direction: 'magnitude', kernel_size: 7 }],
  ['laplacian', { kernel_size: 1 }],
  ['laplacian', { kernel_size: 3 }],
  ['laplacian', { kernel_size: 5 }],
  ['canny', { low: 50, high: 150 }],
  ['canny', { low: 30, high: 90, l2_gradient: true }],
  ['canny', { low: 0, high: 10 }],
  ['pad', { top: 3, bottom: 0, left: 20, right: 5, mode: 'reflect_101' }],
  ['pad', { top: 2, bottom: 9, left: 0, right: 17, mode: 'reflect' }],
  ['pad', { top: 4, bottom: 4, left: 3, right: 3, mode: 'edge' }],
  ['pad', { top: 1, bottom: 1, left: 1, right: 1, mode: 'wrap' }],
  ['pad', { top: 5, bottom: 2, left: 7, right: 0, mode: 'constant', value: 300 }],
  // Margins of one vector or less, which the kernel writes as one byte shuffle each (uint8
  // 16 columns, uint16 8; 16 reflected columns on uint16 take the pixel loop).
  ['pad', { top: 8, bottom: 8, left: 8, right: 8, mode: 'reflect_101' }],
  ['pad', { top: 0, bottom: 3, left: 16, right: 16, mode: 'reflect' }],
  ['pad', { top: 2, bottom: 2, left: 6, right: 9, mode: 'reflect_101' }],
  ['pad', { top: 1, bottom: 0, left: 2, right: 0, mode: 'edge' }],
  ['flip', { axis: 'horizontal' }],
  ['flip', { axis: 'vertical' }],
  ['flip', { axis: 'both' }],
  ['rotate', { angle: 90 }],
  ['rotate', { angle: 270 }],
  ['rotate', { angle: -90 }],
  ['rotate', { angle: 30 }],
  ['rotate', { angle: 12.5, fill: 40 }],
  ['rotate', { angle: -47.5, interpolation: 'nearest', fill: 17 }],
  ['random_rotate', {}],
  ['random_affine', {}],
  ['resize', { height: 13, width: 21, interpolation: 'nearest' }],
  ['resize', { height: 9, width: 5, interpolation: 'nearest' }],
  ['resize', { height: 70, width: 300, interpolation: 'nearest' }],
  // 260 rows to 20: the kernel copies in only the 20 rows it reads.
  ['resize', { height: 20, width: 30, interpolation: 'nearest' }],
  ['resize', { height: 50, width: 37, interpolation: 'bilinear' }],
  ['resize', { height: 130, width: 128, interpolation: 'bilinear' }],
  ['resize', { height: 32, width: 35, interpolation: 'bilinear' }],
  ['resize', { height: 90, width: 100, interpolation: 'bilinear' }],
  ['resize', { height: 120, width: 130, interpolation: 'area' }],
  ['resize', { height: 7, width: 6, interpolation: 'area' }],
  ['resize', { height: 1, width: 1, interpolation: 'area' }],
  // Gaussian noise: the draws added and rounded in the kernels; saturating at both ends.
  ['noise', { seed: 3 }],
  ['noise', { sigma: 0.6, seed: 4 }],
  ['invert', {}],
  ['bit_reduction', { bits: 3 }],
  ['gamma_correction', { gamma: 0.7 }],
  ['clipping', { min: 50, max: 200 }],
  ['linear_function', { slope: 1.5, intercept: -20 }],
  ['linear_function', { slope: -2, intercept: 300 }],
  ['linear_function', { slope: 0.3, intercept: 7.25 }],
  // Two float32 roundings (v·a, then + b) differ from one here (at v = 205): the table path.
  ['linear_function', { slope: 0.1, intercept: -20 }],
  ['rescale', {}],
  ['min_max_normalization', {}],
  ['min_max_normalization', { min: -1, max: 3 }],
  ['rescale', { min: 0.25, max: 0.75 }],
  ['z_score', {}],
  ['histogram_equalization', {}],
  ['histogram_equalization', { method: 'adaptive', kernel_size: 3, limit: 2 }],
  ['histogram_equalization', { method: 'adaptive', kernel_size: 8, limit: 0 }],
  ['histogram_equalization', { method: 'adaptive', kernel_size: 40, limit: 40 }],
  ['threshold', { method: 'otsu' }],
  ['threshold', { threshold: 100.5, max_value: 200, invert: true }],
  ['threshold', { threshold: -3 }],
  ['threshold', { threshold: 70000 }],
  ['threshold', { method: 'adaptive', block_size: 11, C: 2 }],
  ['threshold', { method: 'adaptive', block_size: 3, C: -3.5, invert: true, max_value: 200 }],
  ['threshold', { method: 'adaptive', block_size: 5, C: 0 }],
  ['threshold', { method: 'adaptive', adaptive_method: 'gaussian', block_size: 5, C: 1 }],
  ['threshold', { method: 'adaptive', adaptive_method: 'gaussian', block_size: 11, C: 2 }]
];

it('loads the kernels (npm run build:wasm)', () => {
  expect(imageKernelsError()).toBeNull();
  expect(imageKernels()).not.toBeNull();
});

/** cv2.adaptiveThreshold and cv2.Canny take uint8 images only. */
const dtypesOf = (name: string, params: Record<string, unknown>): DType[] =>
  (name === 'threshold' && params.method === 'adaptive') || name === 'canny'
    ? ['uint8']
    : ['uint8', 'uint16'];

describe('grayscale: SIMD = TypeScript', () => {
  it.each([1, 15, 16, 17, 40, 1000])('%i RGB pixels', n => {
    const rgb = pixels(n * 3, 'uint8', n);
    const item: DataDict = {
      image: {
        array: { data: rgb, shape: [1, n, 3], dtype: 'uint8' },
        header: imageHeader([1, n, 3], 'uint8', 'Photo', [0, 255])
      },
      label: {},
      meta: { split: 'train', index: 0 }
    };
    const run = () => applyModule('grayscale', item, {})?.image.array.data as NumericArray;
    expect(Array.from(run())).toEqual(Array.from(withoutImageKernels(run)));
  });
});

describe.each(CASES)('%s %j: SIMD = TypeScript', (name, params) => {
  it.each(dtypesOf(name, params))('%s', dtype => {
    SHAPES.forEach(([h, w], k) => {
      const item = image(pixels(h * w, dtype, 17 + k), h, w, dtype);
      const run = () => applyModule(name, item, params)?.image.array.data as NumericArray;
      const fast = run();
      const slow = withoutImageKernels(run);
      expect(fast.constructor).toBe(slow.constructor);
      const firstDiff = Array.from(fast).findIndex((v, i) => v !== slow[i]);
      expect({ shape: [h, w], firstDiff }).toEqual({ shape: [h, w], firstDiff: -1 });
    });
  });
});

describe('uint16 Gaussians at the top of the range: SIMD = TypeScript', () => {
  // The kernels keep sums of up to 65535 · 2^32 in 32-bit lanes (split in two planes): the
  // largest sums come from images at or near 65535.
  const images: [string, (i: number) => number][] = [
    ['all 65535', () => 65535],
    ['checkerboard 0 / 65535', i => ((i + (i >> 5)) & 1 ? 65535 : 0)],
    ['65535 with single 65534s', i => (i % 13 === 0 ? 65534 : 65535)]
  ];
  it.each(images)('%s', (_, value) => {
    const data = Uint16Array.from({ length: 40 * 32 }, (_, i) => value(i));
    const item = image(data, 40, 32, 'uint16');
    for (const [name, params] of [
      ['gaussian_blur', { kernel_size: 9, sigma: 0 }],
      ['gaussian_blur', { kernel_size: 0, sigma: 3 }],
      ['sharpen', {}]
    ] as const) {
      const run = () => applyModule(name, item, params)?.image.array.data as NumericArray;
      const fast = Array.from(run());
      expect(fast).toEqual(Array.from(withoutImageKernels(run)));
      if (value(1) === 65535 && value(0) === 65535 && name === 'gaussian_blur') {
        expect(fast.every(v => v === 65535)).toBe(true);
      }
    }
  });
});

describe('bilinear shrinking by even factors (means of 2×2 blocks): SIMD = TypeScript', () => {
  // Factors 2 (whole blocks), 4, 6 and 16 (pairs at 4x + 1, 6x + 2, 16x + 7), one axis of
  // each kind, and outputs narrower than one step of the kernels.
  it.each([
    [40, 48, 10, 12],
    [36, 48, 6, 24],
    [64, 70, 16, 35],
    [12, 12, 2, 2],
    [260, 257, 65, 257],
    // Factor 16: only the 20 pairs of rows read are copied in.
    [320, 512, 20, 64]
  ])('%i×%i → %i×%i', (h, w, height, width) => {
    for (const dtype of ['uint8', 'uint16'] as DType[]) {
      const item = image(pixels(h * w, dtype, 3), h, w, dtype);
      const params = { height, width, interpolation: 'bilinear' };
      const run = () => applyModule('resize', item, params)?.image.array.data as NumericArray;
      expect(Array.from(run())).toEqual(Array.from(withoutImageKernels(run)));
    }
  });
});

describe('CT windows of 16-bit images (a 65536-entry table): SIMD = TypeScript', () => {
  // uint16 values and int16 HU (the table indexed at value + 32768); 4331 pixels leave a
  // tail after the kernel's four values per step.
  it.each([
    ['uint16', 'lung'],
    ['int16', 'lung'],
    ['int16', 'bone'],
    ['int16', 'custom']
  ])('%s, %s', (dtype, preset) => {
    const [h, w] = [61, 71];
    const raw = pixels(h * w, 'uint16', 11);
    const data = dtype === 'int16' ? new Int16Array(raw.buffer) : raw;
    const item: DataDict = {
      image: {
        array: { data, shape: [h, w], dtype: dtype as DType },
        header: imageHeader([h, w], dtype as DType, 'CT', [-32768, 65535])
      },
      label: {},
      meta: { split: 'train', index: 0 }
    };
    const params = { preset, ...(preset === 'custom' ? { center: -600, width: 1500 } : {}) };
    const run = () => applyModule('ct_windowing', item, params)?.image.array.data as NumericArray;
    const fast = run();
    expect(fast).toBeInstanceOf(Uint8Array);
    expect(Array.from(fast)).toEqual(Array.from(withoutImageKernels(run)));
  });
});

describe('CLAHE of 12-bit values in 16-bit pixels: SIMD = TypeScript', () => {
  // The kernels build each tile's table only up to the image's largest value.
  it.each([
    [37, 41, 4095],
    [64, 64, 1000],
    [19, 23, 3]
  ])('%i×%i, values ≤ %i', (h, w, top) => {
    const data = pixels(h * w, 'uint16', 5).map(v => v % (top + 1));
    const item = image(data, h, w, 'uint16');
    const params = { method: 'adaptive', kernel_size: 8, limit: 2 };
    const run = () =>
      applyModule('histogram_equalization', item, params)?.image.array.data as NumericArray;
    expect(Array.from(run())).toEqual(Array.from(withoutImageKernels(run)));
  });
});

describe('quarter turns of whole-block and mixed shapes: SIMD = TypeScript', () => {
  // Blocks of 16 (uint8) or 8 (uint16) values turn in registers, in 64×64 tiles; the rest
  // value by value.
  it.each([
    [48, 80],
    [80, 48],
    [128, 72],
    [70, 129],
    [16, 8]
  ])('%i×%i', (h, w) => {
    for (const dtype of ['uint8', 'uint16'] as DType[]) {
      const item = image(pixels(h * w, dtype, 9), h, w, dtype);
      for (const angle of [90, -90]) {
        const run = () => applyModule('rotate', item, { angle })?.image.array.data as NumericArray;
        expect(Array.from(run())).toEqual(Array.from(withoutImageKernels(run)));
      }
    }
  });
});

describe('extremes of 8- and 16-bit images (min-max normalization)', () => {
  // The extremes at every position of images of one vector, one vector plus a tail and
  // several vectors: each lane and the overlapping last vector must count.
  it.each([8, 16, 17, 31, 40])('%i values, the extremes at every position', n => {
    for (const dtype of ['uint8', 'uint16'] as DType[]) {
      if (n * (dtype === 'uint8' ? 1 : 2) < 16) continue;
      for (let p = 0; p < n; p++) {
        const data = dtype === 'uint8' ? new Uint8Array(n) : new Uint16Array(n);
        data.fill(100);
        data[p] = 7;
        data[(p + 3) % n] = 200;
        expect(extremesSimd(data)).toEqual([7, 200]);
      }
    }
  });

  it('equals the TypeScript loop on every shape', () => {
    for (const [h, w] of SHAPES) {
      for (const dtype of ['uint8', 'uint16'] as DType[]) {
        // No 0 or maximum: values from a narrower band, so the extremes are not the type's.
        const item = image(
          pixels(h * w, dtype, 13).map(v => 20 + (v % 150)),
          h,
          w,
          dtype
        );
        const run = () =>
          applyModule('min_max_normalization', item, {})?.image.array.data as NumericArray;
        expect(Array.from(run())).toEqual(Array.from(withoutImageKernels(run)));
      }
    }
  });
});

describe('crop: SIMD = TypeScript', () => {
  // Rows shorter than a vector, of one vector, just past one, and whole images; three channels.
  const REGIONS: [number, number, number, number][] = [
    [0, 0, 1, 1],
    [3, 5, 10, 7],
    [3, 5, 10, 16],
    [1, 2, 30, 17],
    [0, 0, 33, 70],
    [32, 0, 1, 70]
  ];
  it.each(['uint8', 'uint16'] as DType[])('%s', dtype => {
    const item = image(pixels(33 * 70, dtype, 5), 33, 70, dtype);
    for (const [top, left, height, width] of REGIONS) {
      const run = () =>
        applyModule('crop', item, { top, left, height, width })?.image.array.data as NumericArray;
      const fast = run();
      expect(fast.constructor).toBe(item.image.array.data.constructor);
      expect(Array.from(fast)).toEqual(Array.from(withoutImageKernels(run)));
    }
  });
  it('three channels', () => {
    const rgb = pixels(9 * 20 * 3, 'uint8', 9);
    const item: DataDict = {
      image: {
        array: { data: rgb, shape: [9, 20, 3], dtype: 'uint8' },
        header: imageHeader([9, 20, 3], 'uint8', 'Photo', [0, 255])
      },
      label: {},
      meta: { split: 'train', index: 0 }
    };
    const run = () =>
      applyModule('crop', item, { top: 1, left: 2, height: 5, width: 7 })?.image.array
        .data as NumericArray;
    const fast = run();
    expect(Array.from(fast)).toEqual(Array.from(withoutImageKernels(run)));
    // Row 1, column 2 of the source is the first pixel.
    expect(Array.from(fast.subarray(0, 3))).toEqual(Array.from(rgb.subarray(66, 69)));
  });
});

describe('auto_crop: SIMD = TypeScript', () => {
  /**
   * Values at or below 100 with a few above it at seeded places (none for count 0), h×w×c:
   * foreground at the edges, inside a vector, in its last lane and past the last whole one.
   */
  function scattered(h: number, w: number, c: number, count: number, dtype: DType): DataDict {
    const data = pixels(h * w * c, dtype, h * 31 + w + c).map(v => v % 101);
    let s = h * 7 + w * 13 + count;
    for (let k = 0; k < count; k++) {
      s = (s * 1103515245 + 12345) >>> 0;
      data[(s >>> 8) % data.length] = 101 + (k % 50);
    }
    return image(data, h, w, dtype, c);
  }
  const SETS: [number, number, number, number][] = [
    [1, 1, 1, 1],
    [5, 17, 1, 2],
    [40, 33, 1, 3],
    [64, 70, 1, 1],
    [64, 70, 1, 0],
    [20, 9, 3, 2],
    [33, 31, 1, 40]
  ];
  it.each(['uint8', 'uint16'] as DType[])('%s', dtype => {
    for (const [h, w, c, count] of SETS) {
      const item = scattered(h, w, c, count, dtype);
      for (const params of [{ threshold: 100 }, { threshold: 100.5, margin: 2 }]) {
        const run = () => applyModule('auto_crop', item, params)!.image.array;
        const fast = run();
        const slow = withoutImageKernels(run);
        expect({ h, w, c, count, shape: fast.shape }).toEqual({
          h,
          w,
          c,
          count,
          shape: slow.shape
        });
        expect(Array.from(fast.data as NumericArray)).toEqual(
          Array.from(slow.data as NumericArray)
        );
        // Nothing above the threshold: the image passes through.
        if (count === 0) expect(fast).toBe(item.image.array);
      }
    }
  });
});

describe('linear_function: one float32 rounding of v·a + b, as OpenCV', () => {
  it.each(['uint8', 'uint16'] as DType[])('%s, where the kernels would round twice', dtype => {
    // 205 · 0.1 − 20 is just below 0.5 in one rounding and 0.5 (→ 0) in two; 206 is well inside.
    const values = Array.from({ length: 64 }, (_, i) => 180 + i);
    const data = dtype === 'uint8' ? Uint8Array.from(values) : Uint16Array.from(values);
    const out = applyModule('linear_function', image(data, 8, 8, dtype), {
      slope: 0.1,
      intercept: -20
    })?.image.array.data as NumericArray;
    const a = Math.fround(0.1);
    const b = Math.fround(-20);
    const rule = (v: number) => {
      const y = Math.fround(v * a + b);
      const r = Math.round(y);
      return Math.max(0, r - y === 0.5 && r % 2 !== 0 ? r - 1 : r);
    };
    expect(Array.from(out)).toEqual(values.map(rule));
  });
});
