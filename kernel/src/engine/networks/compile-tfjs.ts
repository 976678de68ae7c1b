/**
 * Compiles a network document (a DAG of Keras-style layers) into a tfjs-layers model. This is
 * the only place that knows tfjs layer classes: another execution backend would compile the
 * same validated document its own way. Initializers are seeded per layer, so the same document
 * and seed give the same initial weights.
 */
import type { NetworkDocument } from '../../../../schema/documents';
import { tf } from '../backend';
import { FastActivation } from './activation-tfjs';
import { FusedBatchNormalization } from './batch-norm-tfjs';
import { Conv2DLayer } from './conv-tfjs';
import { SeededDropout } from './dropout-tfjs';
import { sides } from './layers/reshaping';
import type { Params } from './layers/types';
import { assertValidNetwork, NetworkError, type ResolvedLayer } from './validate';

export { NetworkError };

type SymbolicTensor = ReturnType<typeof tf.input>;
type Initializer = ReturnType<typeof tf.initializers.zeros>;

export interface CompileOptions {
  /** Seed of the initializers and dropout masks (each layer derives its own from it). */
  seed: number;
  /** Input shape for Input layers whose `shape` is null (taken from the data). */
  inputShape?: number[];
}

function initializer(name: unknown, seed: number): Initializer {
  const s = { seed };
  switch (name) {
    case 'he_normal':
      return tf.initializers.heNormal(s);
    case 'he_uniform':
      return tf.initializers.heUniform(s);
    case 'glorot_normal':
      return tf.initializers.glorotNormal(s);
    case 'lecun_normal':
      return tf.initializers.leCunNormal(s);
    case 'lecun_uniform':
      return tf.initializers.leCunUniform(s);
    case 'random_normal':
      return tf.initializers.randomNormal({ mean: 0, stddev: 0.05, seed });
    case 'random_uniform':
      return tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed });
    case 'truncated_normal':
      return tf.initializers.truncatedNormal({ mean: 0, stddev: 0.05, seed });
    case 'zeros':
      return tf.initializers.zeros();
    case 'ones':
      return tf.initializers.ones();
    default:
      return tf.initializers.glorotUniform(s);
  }
}

function regularizer(v: unknown) {
  if (!v) return undefined;
  const r = v as { l1?: number; l2?: number };
  return tf.regularizers.l1l2({ l1: r.l1 ?? 0, l2: r.l2 ?? 0 });
}

/** Document activation names → tfjs identifiers. */
function activation(name: unknown) {
  const map: Record<string, string> = { silu: 'swish', hard_sigmoid: 'hardSigmoid' };
  return (map[name as string] ?? name) as 'relu';
}

/** Small deterministic hash to derive a per-layer seed from the run seed. */
function layerSeed(seed: number, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (index + 1), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) % 2147483647;
}

type Builder = (p: Params, name: string, seed: number, layer: ResolvedLayer) => tf.layers.Layer;

/** Arguments every convolution shares, with seeded initializers (seed, seed+1, seed+2). */
function convArgs(p: Params, name: string, seed: number) {
  return {
    name,
    kernelSize: p.kernel_size as number,
    strides: p.strides as number,
    padding: p.padding as 'same',
    activation: activation(p.activation),
    useBias: p.use_bias as boolean,
    biasInitializer: initializer(p.bias_initializer, seed + 2),
    biasRegularizer: regularizer(p.bias_regularizer)
  };
}

const BUILDERS: Record<string, Builder> = {
  Conv2D: (p, name, seed) =>
    new Conv2DLayer({
      ...convArgs(p, name, seed),
      filters: p.filters as number,
      dilationRate: p.dilation_rate as number,
      kernelInitializer: initializer(p.kernel_initializer, seed),
      kernelRegularizer: regularizer(p.kernel_regularizer)
    }),
  SeparableConv2D: (p, name, seed) =>
    tf.layers.separableConv2d({
      ...convArgs(p, name, seed),
      filters: p.filters as number,
      dilationRate: p.dilation_rate as number,
      depthMultiplier: p.depth_multiplier as number,
      depthwiseInitializer: initializer(p.depthwise_initializer, seed),
      pointwiseInitializer: initializer(p.pointwise_initializer, seed + 1),
      depthwiseRegularizer: regularizer(p.depthwise_regularizer),
      pointwiseRegularizer: regularizer(p.pointwise_regularizer)
    }),
  DepthwiseConv2D: (p, name, seed) =>
    tf.layers.depthwiseConv2d({
      ...convArgs(p, name, seed),
      dilationRate: p.dilation_rate as number,
      depthMultiplier: p.depth_multiplier as number,
      depthwiseInitializer: initializer(p.depthwise_initializer, seed),
      depthwiseRegularizer: regularizer(p.depthwise_regularizer)
    }),
  Conv2DTranspose: (p, name, seed) =>
    tf.layers.conv2dTranspose({
      ...convArgs(p, name, seed),
      filters: p.filters as number,
      kernelInitializer: initializer(p.kernel_initializer, seed),
      kernelRegularizer: regularizer(p.kernel_regularizer)
    }),
  MaxPooling2D: (p, name) =>
    tf.layers.maxPooling2d({
      name,
      poolSize: p.pool_size as number,
      strides: (p.strides ?? undefined) as number | undefined,
      padding: p.padding as 'same'
    }),
  AveragePooling2D: (p, name) =>
    tf.layers.averagePooling2d({
      name,
      poolSize: p.pool_size as number,
      strides: (p.strides ?? undefined) as number | undefined,
      padding: p.padding as 'same'
    }),
  GlobalAveragePooling2D: (_p, name) => tf.layers.globalAveragePooling2d({ name }),
  GlobalMaxPooling2D: (_p, name) => tf.layers.globalMaxPooling2d({ name }),
  // tfjs-layers' BatchNormalization with a one-op training step (see ./batch-norm-tfjs.ts).
  BatchNormalization: (p, name) =>
    new FusedBatchNormalization({
      name,
      axis: p.axis as number,
      momentum: p.momentum as number,
      epsilon: p.epsilon as number,
      center: p.center as boolean,
      scale: p.scale as boolean
    }),
  LayerNormalization: (p, name) =>
    tf.layers.layerNormalization({
      name,
      axis: p.axis as number,
      epsilon: p.epsilon as number,
      center: p.center as boolean,
      scale: p.scale as boolean
    }),
  Dropout: (p, name, seed) =>
    new SeededDropout({ name, rate: p.rate as number, seed, spatial: false }),
  SpatialDropout2D: (p, name, seed) =>
    new SeededDropout({ name, rate: p.rate as number, seed, spatial: true }),
  Dense: (p, name, seed) =>
    tf.layers.dense({
      name,
      units: p.units as number,
      activation: activation(p.activation),
      useBias: p.use_bias as boolean,
      kernelInitializer: initializer(p.kernel_initializer, seed),
      biasInitializer: initializer(p.bias_initializer, seed + 2),
      kernelRegularizer: regularizer(p.kernel_regularizer),
      biasRegularizer: regularizer(p.bias_regularizer)
    }),
  // tfjs' Flatten refuses an already flat input (Keras accepts it): reshape to itself then.
  Flatten: (_p, name, _s, layer) =>
    layer.inputShapes[0].length === 1
      ? tf.layers.reshape({ name, targetShape: layer.outputShape })
      : tf.layers.flatten({ name }),
  // The validator resolved a -1 entry already.
  Reshape: (_p, name, _s, layer) => tf.layers.reshape({ name, targetShape: layer.outputShape }),
  Activation: (p, name) =>
    p.activation === 'leaky_relu'
      ? tf.layers.leakyReLU({ name, alpha: p.alpha as number })
      : // tfjs-layers' Activation with relu6 as one kernel (see ./activation-tfjs.ts).
        new FastActivation({ name, activation: activation(p.activation) }),
  ZeroPadding2D: (p, name) => tf.layers.zeroPadding2d({ name, padding: sides(p.padding) }),
  Cropping2D: (p, name) => tf.layers.cropping2D({ name, cropping: sides(p.cropping) }),
  UpSampling2D: (p, name) =>
    tf.layers.upSampling2d({
      name,
      size: (Array.isArray(p.size) ? p.size : [p.size, p.size]) as number[],
      interpolation: p.interpolation as 'nearest'
    }),
  Add: (_p, name) => tf.layers.add({ name }),
  Multiply: (_p, name) => tf.layers.multiply({ name }),
  Average: (_p, name) => tf.layers.average({ name }),
  Maximum: (_p, name) => tf.layers.maximum({ name }),
  Concatenate: (p, name) => tf.layers.concatenate({ name, axis: p.axis as number })
};

/** Layer types this compiler can build (all of the catalog). */
export const TFJS_LAYER_TYPES = ['Input', ...Object.keys(BUILDERS)];

/** Validates a network document (every problem at once) and builds its tfjs model. */
export function compileTfjs(doc: NetworkDocument, options: CompileOptions): tf.LayersModel {
  const check = assertValidNetwork(doc, { inputShape: options.inputShape });
  const outputs = new Map<string, SymbolicTensor>();
  check.layers.forEach((layer, index) => {
    const { node, params } = layer;
    let out: SymbolicTensor;
    try {
      if (node.type === 'Input') {
        out = tf.input({ shape: params.shape as number[], name: node.id });
      } else {
        const built = BUILDERS[node.type](params, node.id, layerSeed(options.seed, index), layer);
        const ins = node.inputs.map(id => outputs.get(id)!);
        out = built.apply(ins.length === 1 ? ins[0] : ins) as SymbolicTensor;
      }
    } catch (error) {
      // A tfjs limit the validator does not know about: still name the layer.
      throw new NetworkError([
        { layer: `layer ${node.id} (${node.type})`, message: (error as Error).message }
      ]);
    }
    outputs.set(node.id, out);
  });
  return tf.model({
    name: doc.name,
    inputs: doc.inputs.map(id => outputs.get(id)!),
    outputs: doc.outputs.map(id => outputs.get(id)!)
  });
}

/** Orders layers so that every layer comes after its inputs (throws on an invalid network). */
export function topologicalOrder(doc: NetworkDocument) {
  return assertValidNetwork(doc, { inputShape: [1, 1, 1] }).layers.map(l => l.node);
}

/**
 * Layers the tfjs compiler can run forward but not train: tfjs-core's convolution gradients
 * assert a dilation rate of 1 on every backend. Returns one message per such layer.
 */
export function untrainableLayers(doc: NetworkDocument): string[] {
  return doc.layers
    .filter(l => {
      const d = l.params.dilation_rate;
      return d !== undefined && (Array.isArray(d) ? d.some(x => x !== 1) : d !== 1);
    })
    .map(
      l =>
        `layer ${l.id} (${l.type}): dilation_rate > 1 cannot be trained with tfjs (its convolution gradients support dilation 1 only); it works for inference`
    );
}
