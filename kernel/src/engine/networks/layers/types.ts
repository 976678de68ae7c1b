/**
 * The contract of a layer type in the network catalog: its Keras-style parameters as a JSON
 * Schema (draft-07, a description per parameter), how many inputs it takes, and its shape
 * inference. Shapes here leave out the batch dimension: [H, W, C] for images, [F] for features.
 * Nothing in this folder knows tfjs: the compiler (compile-tfjs.ts) turns validated layers into
 * tfjs layers, and another execution backend could do the same from the same catalog.
 */
import type { ParamSchema } from '../../modules/types';

export type Shape = number[];
export type Params = Record<string, unknown>;

export type LayerCategory =
  | 'Input'
  | 'Convolution'
  | 'Pooling'
  | 'Normalization'
  | 'Regularization'
  | 'Core'
  | 'Reshaping'
  | 'Merge';

/** A problem with one layer, found by validation; thrown from `outputShape` as a plain Error. */
export class LayerShapeError extends Error {}

export interface ParamCount {
  trainable: number;
  nonTrainable: number;
}

export interface LayerDefinition {
  type: string;
  category: LayerCategory;
  /** One line, shown in the layer palette. */
  description: string;
  params: ParamSchema;
  /** How many inputs the layer takes (Input: 0, most: 1, merge layers: 2 or more). */
  inputs: { min: number; max: number };
  /** Checks between parameters that JSON Schema cannot express; returns problems. */
  check?(p: Params): string[];
  /** Output shape from the input shapes; throws LayerShapeError with a readable message. */
  outputShape(p: Params, inputs: Shape[]): Shape;
  /** Number of weights (as Keras counts them). */
  paramCount(p: Params, inputs: Shape[], output: Shape): ParamCount;
}

/** What `mf.networks.layers()` shows for a layer type. */
export interface LayerInfo {
  type: string;
  category: LayerCategory;
  description: string;
  params: ParamSchema;
  inputs: { min: number; max: number };
}
