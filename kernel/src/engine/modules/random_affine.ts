/**
 * Random affine transform (augmentation): rotation, scaling, shear and translation drawn
 * uniformly per item within the given ranges, composed about the image centre and applied
 * with cv2.warpAffine's conventions (bilinear, constant border).
 */
import type { ModuleDefinition } from './types';
import type { Rng } from '../util/random';
import { planarShape } from './image';
import { itemRandom, SEED_PARAM, uniform } from './random';
import { warpAffine, type Affine } from './warp';

export interface RandomAffineParams {
  max_angle: number;
  min_scale: number;
  max_scale: number;
  max_shear: number;
  max_translate: number;
  fill: number;
  seed: number;
}

/** The forward matrix (source → output) an item gets; exported so tests can replay it. */
export function affineFor(p: RandomAffineParams, h: number, w: number, rng: Rng): Affine {
  const angle = (uniform(rng, -p.max_angle, p.max_angle) * Math.PI) / 180;
  const scale = uniform(rng, p.min_scale, p.max_scale);
  const shear = (uniform(rng, -p.max_shear, p.max_shear) * Math.PI) / 180;
  const tx = uniform(rng, -p.max_translate, p.max_translate) * w;
  const ty = uniform(rng, -p.max_translate, p.max_translate) * h;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  // M = T(centre + t) · R(angle) · Sh(shear) · S(scale) · T(−centre)
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const k = Math.tan(shear);
  const a = scale * cos;
  const b = scale * (cos * k - sin);
  const d = scale * sin;
  const e = scale * (sin * k + cos);
  return [a, b, cx + tx - a * cx - b * cy, d, e, cy + ty - d * cx - e * cy];
}

export const randomAffine: ModuleDefinition<RandomAffineParams> = {
  name: 'random_affine',
  category: 'Augmentation',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Random rotation, scale, shear and shift per item (seeded).',
  params: {
    type: 'object',
    properties: {
      max_angle: {
        type: 'number',
        minimum: 0,
        maximum: 180,
        default: 10,
        description: 'Largest rotation in degrees, either way.'
      },
      min_scale: {
        type: 'number',
        exclusiveMinimum: 0,
        maximum: 10,
        default: 0.9,
        description: 'Smallest zoom factor.'
      },
      max_scale: {
        type: 'number',
        exclusiveMinimum: 0,
        maximum: 10,
        default: 1.1,
        description: 'Largest zoom factor.'
      },
      max_shear: {
        type: 'number',
        minimum: 0,
        maximum: 60,
        default: 0,
        description: 'Largest shear angle in degrees, either way.'
      },
      max_translate: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        default: 0.1,
        description: 'Largest shift as a fraction of the image size, either way.'
      },
      fill: {
        type: 'number',
        default: 0,
        description: 'Value of pixels that come from outside the image.'
      },
      seed: SEED_PARAM
    },
    additionalProperties: false
  },
  check: ({ min_scale, max_scale }) =>
    min_scale <= max_scale
      ? []
      : [`min_scale must be <= max_scale (got min_scale ${min_scale}, max_scale ${max_scale})`],
  apply(data, p, context) {
    const [h, w] = planarShape(data, 'random_affine');
    const m = affineFor(p, h, w, itemRandom(p.seed, data, context));
    return warpAffine(data, m, 'bilinear', p.fill, 'random_affine');
  }
};
