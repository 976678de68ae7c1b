/**
 * Invert: mirrors values within the image's value range, v → lo + hi − v (for uint8
 * 255 − v, as cv2.bitwise_not and skimage.util.invert). Turns MONOCHROME1-like images around.
 */
import type { ModuleDefinition } from './types';
import { mapValues } from './image';

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
    return mapValues(data, 'invert', v => lo + hi - v);
  }
};
