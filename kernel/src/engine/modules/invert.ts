/**
 * Invert: mirrors values within the image's value range, v → lo + hi − v (for uint8
 * 255 − v, as cv2.bitwise_not and skimage.util.invert). Turns MONOCHROME1-like images around.
 */
import type { ModuleDefinition } from './types';
import { mapValues, withImage } from './image';
import { xorUint16 } from './typed-loops';

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
    const src = data.image.array.data;
    if (
      src instanceof Uint16Array &&
      data.image.array.dtype === 'uint16' &&
      lo === 0 &&
      hi === 65535
    ) {
      // 65535 − v flips every bit: no table of 65536 entries to build.
      return withImage(data, {
        ...data.image.array,
        data: xorUint16(src, 0xffff),
        shape: data.image.array.shape.slice()
      });
    }
    return mapValues(data, 'invert', v => lo + hi - v, `${lo},${hi}`);
  }
};
