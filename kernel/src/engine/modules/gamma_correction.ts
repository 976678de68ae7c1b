/**
 * Gamma correction: v → lo + (hi − lo) · gain · ((v − lo) / (hi − lo))^gamma within the image's
 * value range (for uint8 255 · (v/255)^γ, rounded), as skimage.exposure.adjust_gamma.
 */
import type { ModuleDefinition } from './types';
import { mapValues } from './image';

export interface GammaParams {
  gamma: number;
  gain: number;
}

export const gammaCorrection: ModuleDefinition<GammaParams> = {
  name: 'gamma_correction',
  category: 'Grayscale',
  modality: ['any'],
  dimension: 'any',
  origin: 'builtin',
  description: 'Power-law intensity transform: gamma < 1 brightens, gamma > 1 darkens.',
  params: {
    type: 'object',
    properties: {
      gamma: {
        type: 'number',
        exclusiveMinimum: 0,
        maximum: 10,
        default: 1,
        description: 'Exponent applied to values normalised to [0, 1].'
      },
      gain: {
        type: 'number',
        exclusiveMinimum: 0,
        maximum: 10,
        default: 1,
        description: 'Multiplier applied after the power.'
      }
    },
    additionalProperties: false
  },
  apply(data, { gamma, gain }) {
    const [lo, hi] = data.image.header.pixel_value_range;
    const span = hi - lo;
    return mapValues(
      data,
      'gamma_correction',
      v => (span > 0 ? lo + span * gain * Math.max(0, (v - lo) / span) ** gamma : v),
      `${lo},${hi},${gamma},${gain}`
    );
  }
};
