/**
 * Rescaling: maps pixel values linearly from the image's declared value range
 * (header.pixel_value_range, [0, 255] for uint8 images) to [min, max], as float32. Using the
 * declared range rather than each image's own extremes keeps intensities comparable across
 * images (min_max_normalization does the per-image version).
 */
import type { ModuleDefinition } from './types';
import { checkOutputRange, mapRange, OutputRange, outputRangeSchema, pixels } from './image';

export type RescaleParams = OutputRange;

export const rescale: ModuleDefinition<RescaleParams> = {
  name: 'rescale',
  category: 'General',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Rescale pixel values linearly from the image value range to [min, max] (float32).',
  params: outputRangeSchema(
    'Output value of the lowest possible pixel.',
    'Output value of the highest possible pixel.'
  ),
  check: checkOutputRange,
  apply(data, range) {
    return mapRange(data, pixels(data, 'rescale'), data.image.header.pixel_value_range, range);
  }
};
