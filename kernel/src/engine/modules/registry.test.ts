import Ajv from 'ajv';
import { listModules, validateParams, ModuleParamsError, getModule } from './registry';

test('the catalog lists every module with category, modality and a draft-07 params schema', () => {
  const list = listModules();
  expect(list.map(m => m.name).sort()).toEqual([
    'grayscale',
    'min_max_normalization',
    'rescale',
    'resize'
  ]);
  const meta = new Ajv({ strict: false });
  for (const m of list) {
    expect(m.description.length).toBeGreaterThan(10);
    expect(['General', 'Color', 'Grayscale', 'Binary', 'Advanced']).toContain(m.category);
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
  expect(resize.params.properties.interpolation).toMatchObject({ enum: ['nearest', 'bilinear'] });
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
    'resize: interpolation must be one of "nearest", "bilinear" (got "cubic")'
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
  ]
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
    "unknown module 'blur' (available: grayscale, min_max_normalization, rescale, resize)"
  );
});
