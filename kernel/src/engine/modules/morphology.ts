/**
 * Morphological transformation (cv2.morphologyEx): erosion, dilation, opening, closing,
 * gradient, top-hat and black-hat with a rectangular, elliptic or cross-shaped kernel
 * (cv2.getStructuringElement), repeated `iterations` times. Pixels outside the image never
 * take part (OpenCV's default border for morphology).
 */
import type { ModuleDefinition } from './types';
import type { NumericArray } from '../data/ndarray';
import { allocate } from '../data/ndarray';
import { pixels, planarShape, roundHalfEven, storeAs, withImage } from './image';
import { minMaxChain } from './filters';

export interface MorphologyParams {
  operation: 'erosion' | 'dilation' | 'opening' | 'closing' | 'gradient' | 'tophat' | 'blackhat';
  kernel_shape: 'rect' | 'ellipse' | 'cross';
  kernel_size: number;
  iterations: number;
}

/** Structuring element as cv2.getStructuringElement (anchor at the centre). */
export function structuringElement(shape: MorphologyParams['kernel_shape'], size: number) {
  const mask = new Uint8Array(size * size);
  const r = Math.floor(size / 2);
  for (let i = 0; i < size; i++) {
    let j1 = 0;
    let j2 = 0;
    if (shape === 'rect' || (shape === 'cross' && i === r)) j2 = size;
    else if (shape === 'cross') {
      j1 = r;
      j2 = r + 1;
    } else {
      const dy = i - r;
      if (Math.abs(dy) <= r) {
        const dx = roundHalfEven(r * Math.sqrt(r ? (r * r - dy * dy) / (r * r) : 0));
        j1 = Math.max(r - dx, 0);
        j2 = Math.min(r + dx + 1, size);
      }
    }
    for (let j = j1; j < j2; j++) mask[i * size + j] = 1;
  }
  return mask;
}

export const morphology: ModuleDefinition<MorphologyParams> = {
  name: 'morphology',
  category: 'Binary',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Erode, dilate, open, close, or take the gradient / top-hat / black-hat.',
  params: {
    type: 'object',
    properties: {
      operation: {
        type: 'string',
        enum: ['erosion', 'dilation', 'opening', 'closing', 'gradient', 'tophat', 'blackhat'],
        default: 'erosion',
        description:
          'opening = erode then dilate; closing = dilate then erode; gradient = dilation − erosion.'
      },
      kernel_shape: {
        type: 'string',
        enum: ['rect', 'ellipse', 'cross'],
        default: 'rect',
        description: 'Shape of the structuring element.'
      },
      kernel_size: {
        type: 'integer',
        minimum: 1,
        maximum: 99,
        default: 3,
        description: 'Width and height of the structuring element in pixels.'
      },
      iterations: {
        type: 'integer',
        minimum: 1,
        maximum: 100,
        default: 1,
        description: 'How many times erosion/dilation are applied within the operation.'
      }
    },
    additionalProperties: false
  },
  apply(data, { operation, kernel_shape, kernel_size, iterations }) {
    const [h, w, c] = planarShape(data, 'morphology');
    const src = pixels(data, 'morphology');
    const { dtype, shape } = data.image.array;
    const mask = structuringElement(kernel_shape, kernel_size);
    // Each erosion (min) or dilation (max) repeats `iterations` times.
    const steps = (...ops: ('min' | 'max')[]) =>
      ops.flatMap(op => new Array<'min' | 'max'>(iterations).fill(op));
    const run = (a: NumericArray, ...ops: ('min' | 'max')[]): NumericArray =>
      minMaxChain(a, h, w, c, mask, kernel_size, kernel_size, steps(...ops));
    // Differences (gradient, top-hat, black-hat) are never negative; unsigned and float
    // dtypes hold them as they are, signed integers saturate.
    const exact =
      dtype === 'uint8' || dtype === 'uint16' || dtype === 'float32' || dtype === 'float64';
    const difference = (a: NumericArray, b: NumericArray): NumericArray => {
      const d = allocate(dtype, a.length);
      if (exact) for (let i = 0; i < d.length; i++) d[i] = a[i] - b[i];
      else for (let i = 0; i < d.length; i++) d[i] = storeAs(dtype, a[i] - b[i]);
      return d;
    };
    let out: NumericArray;
    switch (operation) {
      case 'erosion':
        out = run(src, 'min');
        break;
      case 'dilation':
        out = run(src, 'max');
        break;
      case 'opening':
        out = run(src, 'min', 'max');
        break;
      case 'closing':
        out = run(src, 'max', 'min');
        break;
      case 'gradient':
        out = difference(run(src, 'max'), run(src, 'min'));
        break;
      case 'tophat':
        out = difference(src, run(src, 'min', 'max'));
        break;
      default:
        out = difference(run(src, 'max', 'min'), src);
    }
    return withImage(data, { data: out, shape: shape.slice(), dtype });
  }
};
