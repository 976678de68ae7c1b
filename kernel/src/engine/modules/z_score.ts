/**
 * Z-score normalization: subtracts each image's mean and divides by its standard deviation
 * (population std, as numpy's default), giving float32 values with mean 0 and std 1.
 */
import type { ModuleDefinition } from './types';
import type { DataDict } from '../data/datadict';
import type { NumericArray } from '../data/ndarray';
import { pixels, withImage } from './image';
import { integerHistogram, mapToFloat32 } from './typed-loops';

/**
 * 8/16-bit images: mean and standard deviation from the value histogram (exact integer
 * sums), and the output through a table of the occupied values.
 */
function zScoreFromHistogram(
  data: DataDict,
  src: NumericArray,
  counts: Uint32Array,
  epsilon: number
): DataDict {
  let sum = 0;
  for (let v = 0; v < counts.length; v++) sum += counts[v] * v;
  const mean = sum / src.length;
  let sq = 0;
  for (let v = 0; v < counts.length; v++) if (counts[v]) sq += counts[v] * (v - mean) ** 2;
  const scale = 1 / (Math.sqrt(sq / src.length) + epsilon);
  const out = mapToFloat32(src, v => (v - mean) * scale);
  let lo = Infinity;
  let hi = -Infinity;
  for (let v = 0; v < counts.length; v++) {
    if (!counts[v]) continue;
    const z = Math.fround((v - mean) * scale);
    if (z < lo) lo = z;
    if (z > hi) hi = z;
  }
  return withImage(
    data,
    { data: out, shape: data.image.array.shape.slice(), dtype: 'float32' },
    { pixel_value_range: src.length ? [lo, hi] : [0, 0] }
  );
}

export interface ZScoreParams {
  epsilon: number;
}

export const zScore: ModuleDefinition<ZScoreParams> = {
  name: 'z_score',
  category: 'General',
  modality: ['any'],
  dimension: 'any',
  origin: 'builtin',
  description: 'Standardize each image to mean 0 and standard deviation 1 (float32).',
  params: {
    type: 'object',
    properties: {
      epsilon: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        default: 1e-8,
        description: 'Added to the standard deviation so that constant images do not divide by 0.'
      }
    },
    additionalProperties: false
  },
  apply(data, { epsilon }) {
    const src = pixels(data, 'z_score');
    const counts = integerHistogram(src);
    if (counts) return zScoreFromHistogram(data, src, counts, epsilon);
    let sum = 0;
    for (let i = 0; i < src.length; i++) sum += src[i];
    const mean = sum / src.length;
    let sq = 0;
    for (let i = 0; i < src.length; i++) sq += (src[i] - mean) ** 2;
    const scale = 1 / (Math.sqrt(sq / src.length) + epsilon);
    const out = new Float32Array(src.length);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < src.length; i++) {
      const v = (out[i] = (src[i] - mean) * scale);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return withImage(
      data,
      { data: out, shape: data.image.array.shape.slice(), dtype: 'float32' },
      { pixel_value_range: src.length ? [lo, hi] : [0, 0] }
    );
  }
};
