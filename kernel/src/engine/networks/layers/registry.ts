/**
 * The layer catalog: every layer type a network document may use, registered by its Keras
 * name, with parameter validation (JSON Schema via ajv, defaults filled in).
 */
import type { ValidateFunction } from 'ajv';
import { ajv, formatErrors } from '../../util/ajv';
import { conv2d, conv2dTranspose, depthwiseConv2d, separableConv2d } from './conv';
import { activation, dense, flatten, input, reshape } from './core';
import { add, average, concatenate, maximum, multiply } from './merge';
import { batchNormalization, dropout, layerNormalization, spatialDropout2d } from './normalization';
import {
  averagePooling2d,
  globalAveragePooling2d,
  globalMaxPooling2d,
  maxPooling2d
} from './pooling';
import { cropping2d, upSampling2d, zeroPadding2d } from './reshaping';
import type { LayerDefinition, LayerInfo, Params } from './types';

const layers = new Map<string, LayerDefinition>();
const validators = new Map<string, ValidateFunction>();

export function registerLayer(def: LayerDefinition): void {
  layers.set(def.type, def);
  validators.set(def.type, ajv().compile(def.params));
}

export function getLayer(type: string): LayerDefinition | undefined {
  return layers.get(type);
}

export function layerTypes(): string[] {
  return [...layers.keys()];
}

/** The catalog shown by `mf.networks.layers()` and the layer builder's palette. */
export function listLayers(): LayerInfo[] {
  return [...layers.values()].map(({ type, category, description, params, inputs }) => ({
    type,
    category,
    description,
    params: structuredClone(params),
    inputs: { ...inputs }
  }));
}

/** Checks a layer's parameters; returns them with defaults filled in, or the problems. */
export function checkLayerParams(
  def: LayerDefinition,
  params: unknown
): { params: Params; problems: string[] } {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return { params: {}, problems: [`params must be an object (got ${JSON.stringify(params)})`] };
  }
  const filled = structuredClone(params) as Params;
  const validate = validators.get(def.type)!;
  if (!validate(filled)) {
    const known = Object.keys(def.params.properties).join(', ') || 'none';
    const problems = formatErrors(validate.errors, filled).map(p =>
      p.startsWith('unknown parameter') ? `${p} (known: ${known})` : p
    );
    return { params: filled, problems };
  }
  return { params: filled, problems: def.check?.(filled) ?? [] };
}

[
  input,
  conv2d,
  separableConv2d,
  depthwiseConv2d,
  conv2dTranspose,
  maxPooling2d,
  averagePooling2d,
  globalAveragePooling2d,
  globalMaxPooling2d,
  batchNormalization,
  layerNormalization,
  dropout,
  spatialDropout2d,
  dense,
  flatten,
  reshape,
  activation,
  zeroPadding2d,
  cropping2d,
  upSampling2d,
  add,
  concatenate,
  multiply,
  average,
  maximum
].forEach(registerLayer);
