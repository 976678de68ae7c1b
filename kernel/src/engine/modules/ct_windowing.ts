/**
 * CT windowing: maps Hounsfield units in [center − width/2, center + width/2] linearly to the
 * output range and clips outside it, with the usual presets (lung, mediastinum, bone, brain).
 */
import type { ModuleDefinition } from './types';
import { pixels, roundHalfEven, withImage } from './image';
import { allocate } from '../data/ndarray';

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
    const out = allocate(output, src.length);
    for (let i = 0; i < src.length; i++) {
      const t = (src[i] - lo) / w;
      const v = (t <= 0 ? 0 : t >= 1 ? 1 : t) * top;
      out[i] = output === 'uint8' ? roundHalfEven(v) : v;
    }
    return withImage(
      data,
      { data: out, shape: data.image.array.shape.slice(), dtype: output },
      { pixel_value_range: [0, top] }
    );
  }
};
