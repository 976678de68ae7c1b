/** Merge layers: Add, Multiply, Average, Maximum (same shapes) and Concatenate (along an axis). */
import { fmtShape, NO_PARAMS } from './common';
import { LayerShapeError, type LayerDefinition, type Shape } from './types';

function elementwise(type: string, what: string): LayerDefinition {
  return {
    type,
    category: 'Merge',
    description: `The ${what} of two or more inputs of the same shape (e.g. a residual connection).`,
    inputs: { min: 2, max: Infinity },
    params: { type: 'object', properties: {}, additionalProperties: false },
    outputShape(_p, inputs) {
      const first = inputs[0];
      inputs.forEach((s, i) => {
        if (s.length !== first.length || s.some((d, j) => d !== first[j])) {
          throw new LayerShapeError(
            `inputs must have the same shape: input 1 is ${fmtShape(first)}, input ${i + 1} is ${fmtShape(s)}`
          );
        }
      });
      return first;
    },
    paramCount: NO_PARAMS
  };
}

export const add = elementwise('Add', 'element-wise sum');
export const multiply = elementwise('Multiply', 'element-wise product');
export const average = elementwise('Average', 'element-wise mean');
export const maximum = elementwise('Maximum', 'element-wise maximum');

export const concatenate: LayerDefinition = {
  type: 'Concatenate',
  category: 'Merge',
  description: 'Joins two or more inputs along an axis (default: channels).',
  inputs: { min: 2, max: Infinity },
  params: {
    type: 'object',
    properties: {
      axis: {
        type: 'integer',
        default: -1,
        description: 'Axis to join along (-1: the last, channels); the other axes must match.'
      }
    },
    additionalProperties: false
  },
  outputShape(p, inputs) {
    const rank = inputs[0].length;
    const a = p.axis as number;
    const i = a < 0 ? rank + a : a - 1; // Keras counts the batch axis as 0
    if (i < 0 || i >= rank)
      throw new LayerShapeError(`axis ${a} does not exist for rank ${rank} inputs`);
    const out: Shape = inputs[0].slice();
    out[i] = 0;
    inputs.forEach((s, k) => {
      const same = s.length === rank && s.every((d, j) => j === i || d === inputs[0][j]);
      if (!same) {
        throw new LayerShapeError(
          `inputs must match except along axis ${a}: input 1 is ${fmtShape(inputs[0])}, input ${k + 1} is ${fmtShape(s)}`
        );
      }
      out[i] += s[i];
    });
    return out;
  },
  paramCount: NO_PARAMS
};
