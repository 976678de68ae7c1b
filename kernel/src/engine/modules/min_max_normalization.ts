/**
 * Min-max normalization: maps each image's own minimum and maximum to [min, max] (float32).
 * A constant image maps to `min`.
 */
import type { ModuleDefinition } from './types';
import { checkOutputRange, mapRange, OutputRange, outputRangeSchema, pixels } from './image';
import { extremesOf } from './typed-loops';

export type MinMaxParams = OutputRange;

export const minMaxNormalization: ModuleDefinition<MinMaxParams> = {
  name: 'min_max_normalization',
  category: 'General',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: "Stretch each image's own value range to [min, max] (float32).",
  params: outputRangeSchema(
    "Output value of the image's darkest pixel.",
    "Output value of the image's brightest pixel."
  ),
  check: checkOutputRange,
  apply(data, range) {
    const src = pixels(data, 'min_max_normalization');
    const [lo, hi] = extremesOf(src);
    return mapRange(data, src, [lo, hi], range);
  }
};
