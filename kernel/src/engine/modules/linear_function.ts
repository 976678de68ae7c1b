/**
 * Linear function: v → slope · v + intercept, saturated and rounded to the image's dtype
 * (as cv2's convertTo / addWeighted, in float32 like OpenCV; float images stay float).
 */
import type { ModuleDefinition } from './types';
import { integerPixels, mapValues, storeAs, withImage } from './image';
import { linearSimd } from '../simd/point';
import { isIntegerDType, type DType } from '../data/ndarray';

export interface LinearParams {
  slope: number;
  intercept: number;
}

const agreement = new Map<string, boolean>();

/**
 * Whether float32 arithmetic with two roundings (v·a, then + b: what SIMD lanes compute) gives
 * the same stored value as the single rounding of the rule above, for every value of the dtype.
 * Checked once per parameter set (all 256 or 65536 values; the last 16 sets are kept): where
 * it holds, the kernels compute instead of looking up a table, and the results are identical.
 */
function twoRoundingsAgree(dtype: DType, a: number, b: number): boolean {
  const key = `${dtype}:${a},${b}`;
  let agree = agreement.get(key);
  if (agree === undefined) {
    const max = dtype === 'uint8' ? 255 : 65535;
    agree = true;
    for (let v = 0; v <= max && agree; v++) {
      const single = storeAs(dtype, Math.fround(v * a + b));
      agree = storeAs(dtype, Math.fround(Math.fround(v * a) + b)) === single;
    }
    if (agreement.size >= 16) agreement.delete(agreement.keys().next().value as string);
    agreement.set(key, agree);
  }
  return agree;
}

export const linearFunction: ModuleDefinition<LinearParams> = {
  name: 'linear_function',
  category: 'Grayscale',
  modality: ['any'],
  dimension: 'any',
  origin: 'builtin',
  description: 'Apply slope · value + intercept to every pixel (dtype kept, saturated).',
  params: {
    type: 'object',
    properties: {
      slope: {
        type: 'number',
        minimum: -1000,
        maximum: 1000,
        default: 1,
        description: 'Multiplier (contrast).'
      },
      intercept: { type: 'number', default: 0, description: 'Offset added after scaling.' }
    },
    additionalProperties: false
  },
  apply(data, { slope, intercept }) {
    const { dtype, shape } = data.image.array;
    if (isIntegerDType(dtype)) {
      // OpenCV evaluates integer images as one fused multiply-add of float32 coefficients,
      // rounded once to float32; do the same so that halves round alike.
      const a = Math.fround(slope);
      const b = Math.fround(intercept);
      const pixels = integerPixels(data);
      if (pixels && twoRoundingsAgree(dtype, a, b)) {
        const out = linearSimd(pixels, a, b);
        if (out) return withImage(data, { data: out, shape: shape.slice(), dtype });
      }
      return mapValues(data, 'linear_function', v => Math.fround(v * a + b), `${a},${b}`);
    }
    return mapValues(data, 'linear_function', v => slope * v + intercept);
  }
};
