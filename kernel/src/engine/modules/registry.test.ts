import Ajv from 'ajv';
import {
  listModules,
  validateParams,
  ModuleParamsError,
  getModule,
  register,
  unregister
} from './registry';
import type { ModuleDefinition } from './types';
import type { DataDict } from '../data/datadict';
import { applyStepsAsync, applyStepsBatch, applySteps } from '../pipeline/preprocess';

const REQUIRED = [
  'grayscale',
  'min_max_normalization',
  'z_score',
  'rescale',
  'resize',
  'crop',
  'center_crop',
  'pad',
  'depad',
  'auto_crop',
  'flip',
  'rotate',
  'clipping',
  'invert',
  'linear_function',
  'bit_reduction',
  'gamma_correction',
  'histogram_equalization',
  'morphology',
  'gaussian_blur',
  'median_filter',
  'sharpen',
  'sobel',
  'canny',
  'threshold',
  'ct_windowing',
  'noise',
  'random_flip',
  'random_rotate',
  'random_affine'
];

test('the catalog lists every module with category, modality and a draft-07 params schema', () => {
  const list = listModules();
  expect(list.length).toBeGreaterThanOrEqual(30);
  expect(list.map(m => m.name)).toEqual(expect.arrayContaining(REQUIRED));
  expect(new Set(list.map(m => m.category))).toEqual(
    new Set(['General', 'Color', 'Grayscale', 'Binary', 'Augmentation'])
  );
  const meta = new Ajv({ strict: false });
  for (const m of list) {
    expect(m.description.length).toBeGreaterThan(10);
    expect(['General', 'Color', 'Grayscale', 'Binary', 'Augmentation', 'Advanced']).toContain(
      m.category
    );
    expect(m.origin).toBe('builtin');
    expect([2, 3, 'any']).toContain(m.dimension);
    expect(m.modality.length).toBeGreaterThan(0);
    expect(meta.validateSchema(m.params)).toBe(true);
    for (const [name, p] of Object.entries(m.params.properties)) {
      expect([name, typeof p.description, 'default' in p]).toEqual([name, 'string', true]);
    }
  }
  const resize = list.find(m => m.name === 'resize')!;
  expect(resize.params.properties.height).toMatchObject({
    type: 'integer',
    minimum: 1,
    default: 64
  });
  expect(resize.params.properties.interpolation).toMatchObject({
    enum: ['nearest', 'bilinear', 'area']
  });
});

test('validation fills defaults without touching the input', () => {
  const input = { height: 32 };
  expect(validateParams('resize', input)).toEqual({
    height: 32,
    width: 64,
    interpolation: 'bilinear'
  });
  expect(input).toEqual({ height: 32 });
  expect(validateParams('rescale')).toEqual({ min: 0, max: 1 });
});

test.each([
  ['resize', { height: 0 }, 'resize: height must be >= 1 (got 0)'],
  ['resize', { height: 2.5 }, 'resize: height must be integer (got 2.5)'],
  ['resize', { width: 'big' }, 'resize: width must be integer (got "big")'],
  [
    'resize',
    { interpolation: 'cubic' },
    'resize: interpolation must be one of "nearest", "bilinear", "area" (got "cubic")'
  ],
  [
    'resize',
    { heigth: 3 },
    "resize: unknown parameter 'heigth' (known: height, width, interpolation)"
  ],
  ['rescale', { min: 1, max: 0 }, 'rescale: min must be < max (got min 1, max 0)'],
  [
    'grayscale',
    { method: 'max' },
    'grayscale: method must be one of "luminance", "average" (got "max")'
  ],
  [
    'histogram_equalization',
    { method: 'global', limit: 4 },
    'histogram_equalization: limit must be 2 (got 4) (kernel_size and limit apply only to the adaptive method)'
  ],
  [
    'threshold',
    { method: 'otsu', block_size: 5 },
    'threshold: block_size must be 11 (got 5) (adaptive_method, block_size and C apply only to the adaptive method)'
  ],
  ['threshold', { method: 'adaptive', block_size: 4 }, 'threshold: block_size must be odd (got 4)'],
  ['morphology', { kernel_size: 0 }, 'morphology: kernel_size must be >= 1 (got 0)'],
  [
    'morphology',
    { kernel_shape: 'disk' },
    'morphology: kernel_shape must be one of "rect", "ellipse", "cross" (got "disk")'
  ],
  ['gaussian_blur', { kernel_size: 4 }, 'gaussian_blur: kernel_size must be odd (got 4)'],
  [
    'ct_windowing',
    { preset: 'lung', center: 0 },
    'ct_windowing: center must be 40 (got 0) (center and width apply only to the custom preset)'
  ],
  [
    'pad',
    { mode: 'edge', value: 3 },
    'pad: mode must be "constant" (got "edge") (value applies only to the constant mode)'
  ],
  ['noise', { seed: -1 }, 'noise: seed must be >= 0 (got -1)']
])('%s %j is refused: %s', (module, params, message) => {
  expect(() => validateParams(module, params)).toThrow(ModuleParamsError);
  expect(() => validateParams(module, params)).toThrow(message);
});

test('every problem is reported at once, and unknown modules list the known ones', () => {
  try {
    validateParams('resize', { height: 0, width: 5000 });
    throw new Error('expected a ModuleParamsError');
  } catch (error) {
    expect((error as ModuleParamsError).problems).toEqual([
      'height must be >= 1 (got 0)',
      'width must be <= 4096 (got 5000)'
    ]);
  }
  expect(() => getModule('blur')).toThrow(
    "unknown module 'blur' (available: auto_crop, bit_reduction, box_blur, canny,"
  );
});

function item(values: number[]): DataDict {
  return {
    image: {
      array: { data: Float32Array.from(values), shape: [1, values.length], dtype: 'float32' },
      header: {
        dim: 2,
        ndim: 2,
        dtype: 'float32',
        modality: 'any',
        color_mode: 'L',
        pixel_value_range: [0, 1],
        spacing: [1, 1],
        origin: [0, 0],
        direction: [1, 0, 0, 1]
      }
    },
    label: {}
  };
}

function userModule(name: string, add: number): ModuleDefinition<{ k: number }> {
  return {
    name,
    category: 'Advanced',
    modality: ['any'],
    dimension: 'any',
    origin: 'user',
    description: 'Adds k (asynchronously, like a Python module).',
    params: {
      type: 'object',
      properties: { k: { type: 'number', default: add, description: 'What to add.' } },
      additionalProperties: false
    },
    async apply(data, { k }) {
      await new Promise(resolve => setImmediate(resolve));
      const a = data.image.array.data as Float32Array;
      return a[0] < 0 ? null : item(Array.from(a, v => v + k));
    }
  };
}

test('user modules are listed as such, replaced by name, and unregistered; built-ins are fixed', () => {
  register(userModule('add_k', 1));
  expect(listModules().find(m => m.name === 'add_k')).toMatchObject({
    origin: 'user',
    dimension: 'any'
  });
  register(userModule('add_k', 2));
  expect(validateParams('add_k')).toEqual({ k: 2 });
  expect(() => register({ ...userModule('resize', 1) })).toThrow(
    "module 'resize' is a built-in module and cannot be replaced; choose another name"
  );
  expect(() => unregister('resize')).toThrow("module 'resize' is a built-in module");
  expect(unregister('add_k')).toBe(true);
  expect(unregister('add_k')).toBe(false);
  expect(() => getModule('add_k')).toThrow("unknown module 'add_k'");
});

test('asynchronous modules are awaited, singly and in batches; applyBatch is used when present', async () => {
  register(userModule('add_k', 1));
  const calls: number[] = [];
  register({
    ...userModule('add_batch', 10),
    async applyBatch(items, { k }, contexts) {
      calls.push(items.length);
      return items.map((d, i) =>
        item([(d.image.array.data as Float32Array)[0] + k + contexts[i].index])
      );
    }
  });
  const steps = [
    { id: 'a', module: 'add_k', params: { k: 1 } },
    { id: 'b', module: 'add_batch', params: { k: 10 } },
    { id: 'c', module: 'min_max_normalization', params: { min: 0, max: 1 } }
  ];
  const one = (await applyStepsAsync(item([1, 2]), steps.slice(0, 1)))!;
  expect(Array.from(one.image.array.data as Float32Array)).toEqual([2, 3]);
  expect(() => applySteps(item([1]), steps)).toThrow('step a (add_k) is asynchronous');
  const out = await applyStepsBatch(
    [item([1]), item([-5]), item([3])],
    steps.slice(0, 2),
    [0, 1, 2].map(index => ({ index }))
  );
  // The dropped item is not handed to the next step; the others keep their contexts.
  expect(calls).toEqual([2]);
  expect(out.map(d => (d ? Array.from(d.image.array.data as Float32Array) : null))).toEqual([
    [12],
    null,
    [16]
  ]);
  unregister('add_k');
  unregister('add_batch');
});
