/**
 * Bit reduction: keeps the `bits` most significant bits of integer pixels (v & ~(2^(B−bits)−1)
 * for a B-bit dtype), i.e. 2^bits grey levels; float images are quantised to 2^bits levels of
 * their value range.
 */
import type { ModuleDefinition } from './types';
import { integerPixels, mapValues, withImage } from './image';
import { maskPixels } from './typed-loops';
import { isIntegerDType } from '../data/ndarray';

export interface BitReductionParams {
  bits: number;
}

const BITS: Record<string, number> = { uint8: 8, int8: 8, uint16: 16, int16: 16, bool: 1 };

export const bitReduction: ModuleDefinition<BitReductionParams> = {
  name: 'bit_reduction',
  category: 'Grayscale',
  modality: ['any'],
  dimension: 'any',
  origin: 'builtin',
  description: 'Keep only the most significant bits of each pixel (fewer grey levels).',
  params: {
    type: 'object',
    properties: {
      bits: {
        type: 'integer',
        minimum: 1,
        maximum: 16,
        default: 4,
        description: 'Bits kept per pixel: 2^bits grey levels remain.'
      }
    },
    additionalProperties: false
  },
  apply(data, { bits }) {
    const { dtype } = data.image.array;
    if (isIntegerDType(dtype)) {
      const total = BITS[dtype];
      if (total === undefined) {
        throw new Error(`bit_reduction: images of dtype ${dtype} are not supported`);
      }
      if (bits > total) {
        throw new Error(
          `bit_reduction: bits ${bits} is out of range for ${dtype} images (allowed 1…${total})`
        );
      }
      const step = 2 ** (total - bits);
      const src = integerPixels(data);
      if (src) {
        // floor(v / step) · step clears the low bits: one mask, no table.
        const out = maskPixels(src, 2 ** total - step, 'and');
        return withImage(data, { data: out, shape: data.image.array.shape.slice(), dtype });
      }
      return mapValues(data, 'bit_reduction', v => Math.floor(v / step) * step);
    }
    const [lo, hi] = data.image.header.pixel_value_range;
    const levels = 2 ** bits;
    const width = (hi - lo) / levels;
    return mapValues(data, 'bit_reduction', v =>
      width > 0 ? lo + Math.min(levels - 1, Math.max(0, Math.floor((v - lo) / width))) * width : v
    );
  }
};
