/**
 * Invert: mirrors values within the image's value range, v → lo + hi − v (for uint8
 * 255 − v, as cv2.bitwise_not and skimage.util.invert). Turns MONOCHROME1-like images around.
 */
import type { ModuleDefinition } from './types';
import { integerPixels, mapValues, withImage } from './image';
import { maskPixels } from './typed-loops';
import { dtypeRange } from '../data/ndarray';

export type InvertParams = Record<string, never>;

export const invert: ModuleDefinition<InvertParams> = {
  name: 'invert',
  category: 'Grayscale',
  modality: ['any'],
  dimension: 'any',
  origin: 'builtin',
  description: 'Invert intensities within the value range (dark becomes bright).',
  params: { type: 'object', properties: {}, additionalProperties: false },
  apply(data) {
    const [lo, hi] = data.image.header.pixel_value_range;
    const { dtype, shape } = data.image.array;
    // Over the full range of uint8 / uint16, hi − v flips every bit: one mask, no table.
    const src = integerPixels(data);
    if (src && lo === 0 && hi === dtypeRange(dtype)[1]) {
      return withImage(data, { data: maskPixels(src, hi, 'xor'), shape: shape.slice(), dtype });
    }
    return mapValues(data, 'invert', v => lo + hi - v, `${lo},${hi}`);
  }
};
