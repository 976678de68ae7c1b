/**
 * Z-score normalization: subtracts each image's mean and divides by its standard deviation
 * (population std, as numpy's default), giving float32 values with mean 0 and std 1.
 */
import type { ModuleDefinition } from './types';
import type { DataDict } from '../data/datadict';
import type { NumericArray } from '../data/ndarray';
import { pixels, withImage } from './image';
import { integerHistogram, mapToFloat32 } from './typed-loops';
import { standardizeU16Simd } from '../simd/float-map';

/**
 * The mean and 1 / (std + ε) of n values from their exact sums Σv and Σv² (integers):
 * n²·variance = n·Σv² − (Σv)² exactly, rounded once when it becomes a number.
 */
function standardization(n: number, sum: bigint, squares: bigint, epsilon: number) {
  const mean = Number(sum) / n;
  const variance = Number(BigInt(n) * squares - sum * sum) / (n * n);
  return { a: mean, s: 1 / (Math.sqrt(variance) + epsilon) };
}

/** The z-scores as float32 and their range, whose ends are those of the extremes'. */
function standardized(
  data: DataDict,
  out: Float32Array,
  [min, max]: [number, number],
  { a, s }: { a: number; s: number }
): DataDict {
  const range: [number, number] = out.length
    ? [Math.fround((min - a) * s), Math.fround((max - a) * s)]
    : [0, 0];
  return withImage(
    data,
    { data: out, shape: data.image.array.shape.slice(), dtype: 'float32' },
    { pixel_value_range: range }
  );
}

/**
 * 8/16-bit images: the sums from the value histogram (Σv² in integers: counts · v² passes
 * 2^53), the output through a table of the values (float64 arithmetic, one rounding).
 */
function zScoreFromHistogram(
  data: DataDict,
  src: NumericArray,
  counts: Uint32Array,
  epsilon: number
): DataDict {
  let sum = 0n;
  let squares = 0n;
  let min = Infinity;
  let max = -Infinity;
  for (let v = 0; v < counts.length; v++) {
    if (!counts[v]) continue;
    sum += BigInt(counts[v] * v);
    squares += BigInt(counts[v]) * BigInt(v * v);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const scaling = standardization(src.length, sum, squares, epsilon);
  const out = mapToFloat32(src, v => (v - scaling.a) * scaling.s);
  return standardized(data, out, [min, max], scaling);
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
    if (src instanceof Uint16Array && src.length > 0) {
      // The sums and the map in the kernels, the same values as the histogram path.
      const simd = standardizeU16Simd(src, ({ sum, squares }) =>
        standardization(src.length, sum, squares, epsilon)
      );
      if (simd) {
        const { out, moments, scaling } = simd;
        return standardized(data, out, [moments.min, moments.max], scaling);
      }
    }
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
