/**
 * Min-max normalization: maps each image's own minimum and maximum to [min, max] (float32).
 * A constant image maps to `min`.
 */
import type { ModuleDefinition } from './types';
import { checkOutputRange, mapRange, OutputRange, outputRangeSchema, pixels } from './image';
import { integerHistogram } from './typed-loops';

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
    let lo = Infinity;
    let hi = -Infinity;
    const counts = integerHistogram(src);
    // 8/16-bit images: the extremes are the first and last occupied histogram bins.
    if (counts) {
      for (let v = 0; v < counts.length; v++) {
        if (counts[v] === 0) continue;
        if (v < lo) lo = v;
        hi = v;
      }
    } else
      for (let i = 0; i < src.length; i++) {
        if (src[i] < lo) lo = src[i];
        if (src[i] > hi) hi = src[i];
      }
    return mapRange(data, src, [lo, hi], range);
  }
};
