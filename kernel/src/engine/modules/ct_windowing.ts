/**
 * CT windowing: maps Hounsfield units in [center − width/2, center + width/2] linearly to the
 * output range and clips outside it, with the usual presets (lung, mediastinum, bone, brain).
 */
import type { ModuleDefinition } from './types';
import { pixels, roundHalfEven, withImage } from './image';
import { allocate, type NumericArray } from '../data/ndarray';
import { cachedTable, lookupUint8, mapToFloat32, tableUint8 } from './typed-loops';
import { lookupUint8Of16Simd } from '../simd/point';

export interface WindowParams {
  preset: 'custom' | 'lung' | 'mediastinum' | 'bone' | 'brain';
  center: number;
  width: number;
  output: 'uint8' | 'float32';
}

/** Window [center, width] in HU of each preset. */
export const WINDOW_PRESETS: Record<Exclude<WindowParams['preset'], 'custom'>, [number, number]> = {
  lung: [-600, 1500],
  mediastinum: [50, 350],
  bone: [400, 1800],
  brain: [40, 80]
};

/** uint8 window of a 16-bit image through a 65536-entry table (index offset for int16). */
function windowTable16(
  src: Uint16Array | Int16Array,
  fn: (v: number) => number,
  key: string
): Uint8Array {
  const offset = src instanceof Int16Array ? 32768 : 0;
  const lut = cachedTable(`${key}:${offset}`, () => {
    const table = new Uint8Array(65536);
    for (let i = 0; i < 65536; i++) table[i] = fn(i - offset);
    return table;
  });
  const simd = lookupUint8Of16Simd(src, lut);
  if (simd) return simd;
  const out = new Uint8Array(src.length);
  if (src instanceof Uint16Array) for (let i = 0; i < src.length; i++) out[i] = lut[src[i]];
  else for (let i = 0; i < src.length; i++) out[i] = lut[src[i] + 32768];
  return out;
}

export const ctWindowing: ModuleDefinition<WindowParams> = {
  name: 'ct_windowing',
  category: 'Grayscale',
  modality: ['CT'],
  dimension: 'any',
  origin: 'builtin',
  description: 'Window CT values (HU) by center/width or a preset to [0, 255] or [0, 1].',
  params: {
    type: 'object',
    properties: {
      preset: {
        type: 'string',
        enum: ['custom', 'lung', 'mediastinum', 'bone', 'brain'],
        default: 'custom',
        description:
          'lung C −600/W 1500, mediastinum 50/350, bone 400/1800, brain 40/80; custom uses center/width.'
      },
      center: {
        type: 'number',
        minimum: -2000,
        maximum: 5000,
        default: 40,
        description: 'Window center in HU; applies only to the custom preset.'
      },
      width: {
        type: 'number',
        exclusiveMinimum: 0,
        maximum: 10000,
        default: 400,
        description: 'Window width in HU; applies only to the custom preset.'
      },
      output: {
        type: 'string',
        enum: ['uint8', 'float32'],
        default: 'uint8',
        description: 'uint8: window mapped to 0…255 (rounded); float32: to 0…1.'
      }
    },
    additionalProperties: false,
    // A preset sets center and width; changing them as well would be silently ignored.
    if: { required: ['preset'], properties: { preset: { not: { const: 'custom' } } } },
    then: {
      properties: { center: { const: 40 }, width: { const: 400 } },
      $comment: 'center and width apply only to the custom preset'
    }
  },
  apply(data, { preset, center, width, output }) {
    const [c, w] = preset === 'custom' ? [center, width] : WINDOW_PRESETS[preset];
    const src = pixels(data, 'ct_windowing');
    const lo = c - w / 2;
    const top = output === 'uint8' ? 255 : 1;
    const windowed = (x: number) => {
      const t = (x - lo) / w;
      const v = (t <= 0 ? 0 : t >= 1 ? 1 : t) * top;
      return output === 'uint8' ? roundHalfEven(v) : v;
    };
    let out: NumericArray;
    const key = `ct_windowing:${c},${w},${output}`;
    if (output === 'float32') out = mapToFloat32(src, windowed, key);
    else if (src instanceof Uint8Array) out = lookupUint8(src, tableUint8(windowed));
    else if ((src instanceof Uint16Array || src instanceof Int16Array) && src.length >= 4096) {
      // 16-bit images (CT in HU is int16): one table entry per possible value.
      out = windowTable16(src, windowed, key);
    } else {
      out = allocate(output, src.length);
      for (let i = 0; i < src.length; i++) out[i] = windowed(src[i]);
    }
    return withImage(
      data,
      { data: out, shape: data.image.array.shape.slice(), dtype: output },
      { pixel_value_range: [0, top] }
    );
  }
};
