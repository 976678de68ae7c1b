/**
 * Random rotation (augmentation): each item is rotated by an angle drawn uniformly from
 * [−max_angle, max_angle] (bilinear, same size), or by a random multiple of 90° (exact).
 */
import type { ModuleDefinition } from './types';
import { planarShape } from './image';
import { itemRandom, SEED_PARAM, uniform } from './random';
import { rotateQuarter } from './rotate';
import { rotationMatrix, warpAffine } from './warp';

export interface RandomRotateParams {
  mode: 'angle' | 'quarter_turns';
  max_angle: number;
  fill: number;
  seed: number;
}

export const randomRotate: ModuleDefinition<RandomRotateParams> = {
  name: 'random_rotate',
  category: 'Augmentation',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Rotate items by a random angle or a random multiple of 90° (seeded per item).',
  params: {
    type: 'object',
    properties: {
      mode: {
        type: 'string',
        enum: ['angle', 'quarter_turns'],
        default: 'angle',
        description: 'angle: uniform in ±max_angle; quarter_turns: 0, 90, 180 or 270°.'
      },
      max_angle: {
        type: 'number',
        minimum: 0,
        maximum: 180,
        default: 15,
        description: 'Largest rotation in degrees, either way; angle mode only.'
      },
      fill: {
        type: 'number',
        default: 0,
        description: 'Value of corners that come from outside the image; angle mode only.'
      },
      seed: SEED_PARAM
    },
    additionalProperties: false,
    if: { required: ['mode'], properties: { mode: { const: 'quarter_turns' } } },
    then: {
      properties: { max_angle: { const: 15 }, fill: { const: 0 } },
      $comment: 'max_angle and fill apply only to the angle mode'
    }
  },
  apply(data, { mode, max_angle, fill, seed }, context) {
    const rng = itemRandom(seed, data, context);
    if (mode === 'quarter_turns') {
      const k = Math.floor(rng() * 4);
      return k === 0 ? data : rotateQuarter(data, k, 'random_rotate');
    }
    const angle = uniform(rng, -max_angle, max_angle);
    const [h, w] = planarShape(data, 'random_rotate');
    return warpAffine(
      data,
      rotationMatrix((w - 1) / 2, (h - 1) / 2, angle, 1),
      'bilinear',
      fill,
      'random_rotate'
    );
  }
};
