/** Spatial reshaping layers: ZeroPadding2D, Cropping2D, UpSampling2D. */
import { image, NO_PARAMS, pairOf, schema } from './common';
import { LayerShapeError, type LayerDefinition, type Params } from './types';

/** An int, [sym_h, sym_w] or [[top, bottom], [left, right]] as [[t, b], [l, r]]. */
export function sides(v: unknown): [[number, number], [number, number]] {
  if (Array.isArray(v) && Array.isArray(v[0])) return v as [[number, number], [number, number]];
  const [h, w] = pairOf(v);
  return [
    [h, h],
    [w, w]
  ];
}

function sidesSchema(what: string, dflt: number) {
  return {
    type: ['integer', 'array'],
    minimum: 0,
    minItems: 2,
    maxItems: 2,
    items: {
      type: ['integer', 'array'],
      minimum: 0,
      minItems: 2,
      maxItems: 2,
      items: { type: 'integer', minimum: 0 }
    },
    default: dflt,
    description: `Rows/columns ${what}: n (all sides), [rows, cols] (symmetric) or [[top, bottom], [left, right]].`
  };
}

function sidesCheck(key: string) {
  return (p: Params): string[] => {
    const v = p[key];
    if (!Array.isArray(v)) return [];
    const nested = v.map(x => Array.isArray(x));
    return nested[0] === nested[1]
      ? []
      : [
          `${key} must be n, [rows, cols] or [[top, bottom], [left, right]] (got ${JSON.stringify(v)})`
        ];
  };
}

export const zeroPadding2d: LayerDefinition = {
  type: 'ZeroPadding2D',
  category: 'Reshaping',
  description: 'Adds rows and columns of zeros around each image.',
  inputs: { min: 1, max: 1 },
  params: {
    type: 'object',
    properties: { padding: sidesSchema('of zeros added', 1) },
    additionalProperties: false
  },
  check: sidesCheck('padding'),
  outputShape(p, inputs) {
    const [h, w, c] = image(inputs);
    const [[t, b], [l, r]] = sides(p.padding);
    return [h + t + b, w + l + r, c];
  },
  paramCount: NO_PARAMS
};

export const cropping2d: LayerDefinition = {
  type: 'Cropping2D',
  category: 'Reshaping',
  description: 'Removes rows and columns at the borders of each image.',
  inputs: { min: 1, max: 1 },
  params: {
    type: 'object',
    properties: { cropping: sidesSchema('removed', 0) },
    additionalProperties: false
  },
  check: sidesCheck('cropping'),
  outputShape(p, inputs) {
    const [h, w, c] = image(inputs);
    const [[t, b], [l, r]] = sides(p.cropping);
    if (t + b >= h || l + r >= w) {
      throw new LayerShapeError(
        `cropping ${t + b}×${l + r} rows×columns leaves nothing of input ${h}×${w}`
      );
    }
    return [h - t - b, w - l - r, c];
  },
  paramCount: NO_PARAMS
};

export const upSampling2d: LayerDefinition = {
  type: 'UpSampling2D',
  category: 'Reshaping',
  description:
    'Repeats rows and columns (nearest) or interpolates (bilinear) to enlarge each image.',
  inputs: { min: 1, max: 1 },
  params: {
    type: 'object',
    properties: {
      size: schema.pair('Upsampling factor for rows and columns.', 2),
      interpolation: {
        enum: ['nearest', 'bilinear'],
        default: 'nearest',
        description: 'How new pixels are computed.'
      }
    },
    additionalProperties: false
  },
  outputShape(p, inputs) {
    const [h, w, c] = image(inputs);
    const [a, b] = pairOf(p.size);
    return [h * a, w * b, c];
  },
  paramCount: NO_PARAMS
};
