/**
 * Compiles a network document (a DAG of Keras-style layers) into a tfjs-layers model. This is
 * the only place that knows tfjs layer classes: another execution backend would compile the
 * same document its own way. Kernel initializers are seeded per layer, so the same document
 * and seed give the same initial weights.
 */
import type { LayerNode, NetworkDocument } from '../../../../schema/documents';
import { tf } from '../backend';
import { documentValidator, formatErrors } from '../util/ajv';

type SymbolicTensor = ReturnType<typeof tf.input>;
type Params = Record<string, unknown>;

export interface CompileOptions {
  /** Seed of the kernel initializers (each layer derives its own from it). */
  seed: number;
  /** Input shape for Input layers whose `shape` is null (taken from the data). */
  inputShape?: number[];
}

/** Error in a network document, naming the layer. */
export class NetworkError extends Error {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.name = 'NetworkError';
  }
}

type Initializer = ReturnType<typeof tf.initializers.zeros>;

function initializer(name: unknown, seed: number, where: string): Initializer {
  const s = { seed };
  switch (name) {
    case 'he_normal':
      return tf.initializers.heNormal(s);
    case 'he_uniform':
      return tf.initializers.heUniform(s);
    case 'glorot_uniform':
      return tf.initializers.glorotUniform(s);
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
      throw new NetworkError(where, `unknown kernel_initializer '${String(name)}'`);
  }
}

const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'tanh',
  'softmax',
  'softplus',
  'swish'
];

function activation(name: unknown, where: string) {
  const a = name ?? 'linear';
  if (typeof a !== 'string' || !ACTIVATIONS.includes(a)) {
    throw new NetworkError(
      where,
      `unknown activation '${String(a)}' (one of ${ACTIVATIONS.join(', ')})`
    );
  }
  return a as 'relu';
}

/** Parameters each layer type accepts (Keras names); anything else is an error. */
const ALLOWED: Record<string, string[]> = {
  Input: ['shape'],
  Conv2D: [
    'filters',
    'kernel_size',
    'strides',
    'padding',
    'activation',
    'use_bias',
    'kernel_initializer',
    'dilation_rate'
  ],
  BatchNormalization: ['momentum', 'epsilon', 'axis'],
  Activation: ['activation'],
  MaxPooling2D: ['pool_size', 'strides', 'padding'],
  AveragePooling2D: ['pool_size', 'strides', 'padding'],
  Dropout: ['rate'],
  Flatten: [],
  GlobalAveragePooling2D: [],
  GlobalMaxPooling2D: [],
  Dense: ['units', 'activation', 'use_bias', 'kernel_initializer'],
  Add: [],
  Concatenate: ['axis']
};

function positiveInt(p: Params, key: string, where: string, fallback?: number): number {
  const v = p[key] ?? fallback;
  if (!Number.isInteger(v) || (v as number) < 1) {
    throw new NetworkError(where, `${key} must be a positive integer (got ${JSON.stringify(v)})`);
  }
  return v as number;
}

function intOrPair(
  p: Params,
  key: string,
  where: string,
  fallback?: number | number[]
): number | [number, number] {
  const v = p[key] ?? fallback;
  if (Array.isArray(v) && v.length === 2 && v.every(x => Number.isInteger(x) && x >= 1)) {
    return v as [number, number];
  }
  if (Number.isInteger(v) && (v as number) >= 1) return v as number;
  throw new NetworkError(
    where,
    `${key} must be a positive integer or [h, w] (got ${JSON.stringify(v)})`
  );
}

function padding(p: Params, where: string): 'valid' | 'same' {
  const v = p.padding ?? 'valid';
  if (v !== 'valid' && v !== 'same') {
    throw new NetworkError(where, `padding must be 'valid' or 'same' (got ${JSON.stringify(v)})`);
  }
  return v;
}

/** Orders layers so that every layer comes after its inputs; reports cycles and dangling ids. */
export function topologicalOrder(doc: NetworkDocument): LayerNode[] {
  const byId = new Map<string, LayerNode>();
  for (const l of doc.layers) {
    if (byId.has(l.id))
      throw new NetworkError(`network ${doc.name}`, `duplicate layer id '${l.id}'`);
    byId.set(l.id, l);
  }
  const order: LayerNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (l: LayerNode) => {
    if (state.get(l.id) === 'done') return;
    if (state.get(l.id) === 'visiting')
      throw new NetworkError(`layer ${l.id}`, 'is part of a cycle');
    state.set(l.id, 'visiting');
    for (const id of l.inputs) {
      const src = byId.get(id);
      if (!src)
        throw new NetworkError(`layer ${l.id}`, `input '${id}' is not a layer of the network`);
      visit(src);
    }
    state.set(l.id, 'done');
    order.push(l);
  };
  doc.layers.forEach(visit);
  for (const id of [...doc.inputs, ...doc.outputs]) {
    if (!byId.has(id)) throw new NetworkError(`network ${doc.name}`, `'${id}' is not a layer`);
  }
  return order;
}

/** Small deterministic hash to derive a per-layer seed from the run seed. */
function layerSeed(seed: number, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (index + 1), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) % 2147483647;
}

/** Builds the tfjs model of a network document. */
export function compileTfjs(doc: NetworkDocument, options: CompileOptions): tf.LayersModel {
  const validate = documentValidator('network');
  if (!validate(doc)) {
    throw new NetworkError(
      `network ${(doc as { name?: string }).name ?? '?'}`,
      formatErrors(validate.errors, doc).join('; ')
    );
  }
  const order = topologicalOrder(doc);
  const outputs = new Map<string, SymbolicTensor>();
  order.forEach((layer, index) => {
    const where = `layer ${layer.id} (${layer.type})`;
    const p = layer.params;
    const allowed = ALLOWED[layer.type];
    if (!allowed) {
      throw new NetworkError(
        where,
        `unsupported layer type (supported: ${Object.keys(ALLOWED).join(', ')})`
      );
    }
    const unknown = Object.keys(p).filter(k => !allowed.includes(k));
    if (unknown.length > 0) {
      throw new NetworkError(
        where,
        `unknown parameter(s) ${unknown.join(', ')} (allowed: ${allowed.join(', ') || 'none'})`
      );
    }
    const ins = layer.inputs.map(id => outputs.get(id)!);
    const single = () => {
      if (ins.length !== 1)
        throw new NetworkError(where, `needs exactly 1 input, has ${ins.length}`);
      return ins[0];
    };
    const seed = layerSeed(options.seed, index);
    const name = layer.id;
    let out: SymbolicTensor;
    try {
      switch (layer.type) {
        case 'Input': {
          const shape = (p.shape ?? options.inputShape) as number[] | undefined;
          if (shape === undefined) {
            throw new NetworkError(
              where,
              'shape is null: give the network an input shape, or train it in a pipeline (which takes it from the data)'
            );
          }
          if (!Array.isArray(shape) || !shape.every(d => Number.isInteger(d) && d >= 1)) {
            throw new NetworkError(
              where,
              `shape must be [H, W, C] of positive integers (got ${JSON.stringify(shape)})`
            );
          }
          if (ins.length > 0) throw new NetworkError(where, 'an Input layer takes no inputs');
          out = tf.input({ shape, name });
          break;
        }
        case 'Conv2D':
          out = tf.layers
            .conv2d({
              name,
              filters: positiveInt(p, 'filters', where),
              kernelSize: intOrPair(p, 'kernel_size', where),
              strides: intOrPair(p, 'strides', where, 1),
              dilationRate: intOrPair(p, 'dilation_rate', where, 1),
              padding: padding(p, where),
              activation: activation(p.activation, where),
              useBias: p.use_bias !== false,
              kernelInitializer: initializer(p.kernel_initializer ?? 'glorot_uniform', seed, where)
            })
            .apply(single()) as SymbolicTensor;
          break;
        case 'BatchNormalization':
          out = tf.layers
            .batchNormalization({
              name,
              momentum: (p.momentum as number | undefined) ?? 0.99,
              epsilon: (p.epsilon as number | undefined) ?? 1e-3,
              axis: (p.axis as number | undefined) ?? -1
            })
            .apply(single()) as SymbolicTensor;
          break;
        case 'Activation':
          out = tf.layers
            .activation({ name, activation: activation(p.activation, where) })
            .apply(single()) as SymbolicTensor;
          break;
        case 'MaxPooling2D':
        case 'AveragePooling2D': {
          const args = {
            name,
            poolSize: intOrPair(p, 'pool_size', where, 2),
            strides: p.strides === undefined ? undefined : intOrPair(p, 'strides', where),
            padding: padding(p, where)
          };
          const l =
            layer.type === 'MaxPooling2D'
              ? tf.layers.maxPooling2d(args)
              : tf.layers.averagePooling2d(args);
          out = l.apply(single()) as SymbolicTensor;
          break;
        }
        case 'Dropout': {
          const rate = p.rate;
          if (typeof rate !== 'number' || rate < 0 || rate >= 1) {
            throw new NetworkError(
              where,
              `rate must be a number in [0, 1) (got ${JSON.stringify(rate)})`
            );
          }
          // No seed: a seeded tfjs Dropout would reuse the same mask on every batch.
          out = tf.layers.dropout({ name, rate }).apply(single()) as SymbolicTensor;
          break;
        }
        case 'Flatten':
          out = tf.layers.flatten({ name }).apply(single()) as SymbolicTensor;
          break;
        case 'GlobalAveragePooling2D':
          out = tf.layers.globalAveragePooling2d({ name }).apply(single()) as SymbolicTensor;
          break;
        case 'GlobalMaxPooling2D':
          out = tf.layers.globalMaxPooling2d({ name }).apply(single()) as SymbolicTensor;
          break;
        case 'Dense':
          out = tf.layers
            .dense({
              name,
              units: positiveInt(p, 'units', where),
              activation: activation(p.activation, where),
              useBias: p.use_bias !== false,
              kernelInitializer: initializer(p.kernel_initializer ?? 'glorot_uniform', seed, where)
            })
            .apply(single()) as SymbolicTensor;
          break;
        case 'Add':
          if (ins.length < 2)
            throw new NetworkError(where, `needs 2 or more inputs, has ${ins.length}`);
          out = tf.layers.add({ name }).apply(ins) as SymbolicTensor;
          break;
        case 'Concatenate':
          if (ins.length < 2)
            throw new NetworkError(where, `needs 2 or more inputs, has ${ins.length}`);
          out = tf.layers
            .concatenate({ name, axis: (p.axis as number | undefined) ?? -1 })
            .apply(ins) as SymbolicTensor;
          break;
        default:
          throw new NetworkError(where, 'unsupported layer type');
      }
    } catch (error) {
      if (error instanceof NetworkError) throw error;
      // tfjs shape errors and the like: say which layer they came from.
      throw new NetworkError(where, (error as Error).message);
    }
    if (out.shape.some(d => d === 0)) {
      throw new NetworkError(
        where,
        `output shape (${out.shape.map(d => d ?? 'batch').join(', ')}) is empty: its input is too small for it`
      );
    }
    outputs.set(layer.id, out);
  });
  return tf.model({
    name: doc.name,
    inputs: doc.inputs.map(id => outputs.get(id)!),
    outputs: doc.outputs.map(id => outputs.get(id)!)
  });
}
