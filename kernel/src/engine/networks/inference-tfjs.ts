/**
 * Inference with each BatchNormalization folded into the convolution before it.
 *
 * In inference a BatchNormalization is a fixed affine map per channel,
 *   y = s·(z - mean) + β,  s = γ / √(var + ε),
 * so after a convolution z = x∗k + b it equals one convolution with kernel k·s and bias
 * (b - mean)·s + β. Folding saves the normalisation's pass over the activations, and a ReLU or
 * ReLU6 that only follows it is fused too: XNNPACK adds the bias and clamps while it writes
 * the convolution's output. The benchmark CNN's predict at 64×64 (batch 32, 2 threads): 11.7
 * → 9.1 ms (`node bench/train-profile.mjs --sizes 64`).
 *
 * On wasm, a folded 3×3 stride-1 convolution with channels in fours runs by Winograd's
 * F(4×4, 3×3) or F(2×2, 3×3) instead (../backend/wasm/winograd_conv.ts), and a 2×2 MaxPooling
 * that follows (its windows tile each tile of outputs) is taken in the same pass. One on 1-3
 * input channels (a first layer) runs by a direct kernel that takes the pooling too
 * (../backend/wasm/few_channels_conv.ts).
 *
 * The model is run layer by layer here, as tfjs-layers' executor does (each intermediate
 * tensor is freed after its last use), with the folded groups as single ops. The folded
 * weights are computed when a runner is made and belong to it: make one per pass over a
 * dataset, so that it sees the weights as they are then. Models this cannot plan (nested
 * models, shared layers, several inputs or outputs) run through their own predict.
 */
import {
  fewChannelsAvailable,
  fewChannelsConv2d,
  fewChannelsFits,
  tf,
  winogradAvailable,
  winogradConv2d,
  winogradFits,
  type WinogradActivation
} from '../backend';
import type { BatchNormState } from './batch-norm-tfjs';
import type { Conv2DState } from './conv-tfjs';

type Layer = tf.layers.Layer;
type Activation = 'linear' | 'relu' | 'relu6';
type DepthwiseState = Omit<Conv2DState, 'kernel'> & { depthwiseKernel: tf.LayerVariable };

/** A convolution, the BatchNormalization after it and optionally the activation after that. */
interface Fold {
  conv: Layer;
  norm: Layer;
  depthwise: boolean;
  activation: Activation;
  /** A 2×2, stride-2 MaxPooling that only reads the group's output (fused where it can be). */
  pool?: Layer;
}

/** A folded group's weights, and medflow's own kernel that runs it where one does. */
interface FoldedWeights {
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
  kernel?: 'winograd' | 'few-channels';
}

/** One layer (or folded group) of the plan: the tensors it reads and the one it writes. */
interface Step {
  layer: Layer;
  callArgs: Record<string, unknown>;
  inputs: number[];
  output: number;
  fold?: Fold;
}

interface Plan {
  input: number;
  output: number;
  steps: Step[];
  /** How many steps read each tensor (the model's output counts once more: never freed). */
  readers: Map<number, number>;
}

/** The node through which a layer is part of the model: exactly one (not shared), else no plan. */
function onlyNode(layer: Layer) {
  return layer.inboundNodes.length === 1 ? layer.inboundNodes[0] : null;
}

/** The activation a layer applies if it is only a ReLU or ReLU6 (fusable), else null. */
function fusableActivation(layer: Layer): Activation | null {
  const name = layer.getClassName();
  if (name === 'ReLU') {
    const max = (layer.getConfig() as { maxValue?: number | null }).maxValue;
    return max == null ? 'relu' : max === 6 ? 'relu6' : null;
  }
  if (name === 'Activation') {
    const fn = (layer as unknown as { activation: { getClassName(): string } }).activation;
    const kind = fn.getClassName();
    return kind === 'relu' || kind === 'relu6' ? kind : null;
  }
  return null;
}

/** A convolution whose output a per-channel affine map can be folded into. */
function foldableConv(layer: Layer): boolean {
  const name = layer.getClassName();
  if (name !== 'Conv2D' && name !== 'DepthwiseConv2D') return false;
  const s = layer as unknown as Conv2DState;
  return (
    s.dataFormat === 'channelsLast' &&
    s.padding !== 'causal' &&
    s.activation.getClassName() === 'linear'
  );
}

/** A 2×2 MaxPooling with stride 2 and 'valid' padding over a channels-last tensor. */
function pairPool(layer: Layer): boolean {
  if (layer.getClassName() !== 'MaxPooling2D') return false;
  const p = layer as unknown as {
    poolSize: [number, number];
    strides: [number, number];
    padding: string;
    dataFormat: string;
  };
  const twos = (v: number[]) => v.length === 2 && v[0] === 2 && v[1] === 2;
  return (
    twos(p.poolSize) && twos(p.strides) && p.padding === 'valid' && p.dataFormat === 'channelsLast'
  );
}

/** A BatchNormalization over the last axis of a 4-D tensor. */
function lastAxisNorm(layer: Layer): boolean {
  if (layer.getClassName() !== 'BatchNormalization') return false;
  const axis = (layer as unknown as BatchNormState).axis;
  return axis === -1 || axis === 3;
}

/** The plan of a model, or null where it is not a single-input, single-output graph. */
function planOf(model: tf.LayersModel): Plan | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return null;
  const layers = model.layers.filter(l => l.getClassName() !== 'InputLayer');
  const nodes = layers.map(onlyNode);
  if (nodes.some(n => n == null || n.outputTensors.length !== 1)) return null;
  if (layers.some(l => l instanceof tf.LayersModel)) return null;

  const output = model.outputs[0].id;
  // Who reads each tensor: a group folds only where nothing else sees the tensors inside it.
  const readersOf = new Map<number, Layer[]>();
  layers.forEach((layer, i) => {
    for (const t of nodes[i]!.inputTensors)
      readersOf.set(t.id, [...(readersOf.get(t.id) ?? []), layer]);
  });
  const onlyReader = (id: number): Layer | null => {
    const readers = readersOf.get(id) ?? [];
    return id !== output && readers.length === 1 ? readers[0] : null;
  };
  const outputOf = (layer: Layer) => onlyNode(layer)!.outputTensors[0].id;

  const skipped = new Set<Layer>();
  const steps: Step[] = [];
  layers.forEach((layer, i) => {
    if (skipped.has(layer)) return;
    const node = nodes[i]!;
    const step: Step = {
      layer,
      callArgs: node.callArgs ?? {},
      inputs: node.inputTensors.map(t => t.id),
      output: node.outputTensors[0].id
    };
    const norm = foldableConv(layer) ? onlyReader(step.output) : null;
    if (norm && lastAxisNorm(norm)) {
      const after = onlyReader(outputOf(norm));
      const activation = after ? fusableActivation(after) : null;
      step.fold = {
        conv: layer,
        norm,
        depthwise: layer.getClassName() === 'DepthwiseConv2D',
        activation: activation ?? 'linear'
      };
      skipped.add(norm);
      if (activation) skipped.add(after!);
      step.output = outputOf(activation ? after! : norm);
      const pool = onlyReader(step.output);
      if (pool && pairPool(pool)) {
        step.fold.pool = pool;
        skipped.add(pool);
        step.output = outputOf(pool);
      }
    }
    steps.push(step);
  });
  const readers = new Map<number, number>([[output, 1]]);
  for (const s of steps) for (const id of s.inputs) readers.set(id, (readers.get(id) ?? 0) + 1);
  return { input: model.inputs[0].id, output, steps, readers };
}

const plans = new WeakMap<tf.LayersModel, Plan | null>();

/** The folded kernel and bias of a group, from the weights as they are now. */
function foldedWeights(fold: Fold): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
  return tf.tidy(() => {
    const conv = fold.conv as unknown as Conv2DState & DepthwiseState;
    const n = fold.norm as unknown as BatchNormState;
    const variance = n.movingVariance.read();
    const gamma = n.scale && n.gamma ? n.gamma.read() : tf.onesLike(variance);
    const s = tf.div(gamma, tf.sqrt(tf.add(variance, n.epsilon)));
    const kernel = (fold.depthwise ? conv.depthwiseKernel : conv.kernel).read() as tf.Tensor4D;
    // A depthwise kernel is [kh, kw, in, multiplier]: output channel c·multiplier + m.
    const filter = tf.mul(kernel, fold.depthwise ? tf.reshape(s, kernel.shape.slice(2)) : s);
    const shifted = conv.bias
      ? tf.sub(conv.bias.read(), n.movingMean.read())
      : tf.neg(n.movingMean.read());
    const beta = n.center && n.beta ? n.beta.read() : tf.zerosLike(variance);
    return { filter: filter as tf.Tensor4D, bias: tf.add(tf.mul(shifted, s), beta) as tf.Tensor1D };
  });
}

/**
 * Predicts with a model in inference mode, its BatchNormalizations folded (see above).
 * Call dispose() when done: the runner owns the folded weights.
 */
export class InferenceRunner {
  private readonly plan: Plan | null;
  private readonly weights = new Map<Step, FoldedWeights>();

  constructor(private readonly model: tf.LayersModel) {
    if (!plans.has(model)) plans.set(model, planOf(model));
    this.plan = plans.get(model)!;
    const winograd = winogradAvailable();
    const fewChannels = fewChannelsAvailable();
    for (const step of this.plan?.steps ?? []) {
      if (!step.fold) continue;
      const weights: FoldedWeights = foldedWeights(step.fold);
      const { strides, dilationRate } = step.fold.conv as unknown as Conv2DState;
      const shape = weights.filter.shape;
      if (!step.fold.depthwise && winograd && winogradFits(shape, strides, dilationRate)) {
        weights.kernel = 'winograd';
      } else if (
        !step.fold.depthwise &&
        fewChannels &&
        fewChannelsFits(shape, strides, dilationRate)
      ) {
        weights.kernel = 'few-channels';
      }
      this.weights.set(step, weights);
    }
  }

  /** How many folded convolutions run by Winograd's algorithm (wasm; 3×3, stride 1). */
  get winogradConvolutions(): number {
    return [...this.weights.values()].filter(w => w.kernel === 'winograd').length;
  }

  /** How many run by the direct kernel for 1-3 input channels (wasm; 3×3, stride 1). */
  get fewChannelsConvolutions(): number {
    return [...this.weights.values()].filter(w => w.kernel === 'few-channels').length;
  }

  /** The folded groups, as "conv+norm[+activation]" layer names (for tests and profiles). */
  get folds(): string[] {
    return (this.plan?.steps ?? [])
      .filter(s => s.fold)
      .map(s => {
        const { conv, norm, activation, pool } = s.fold!;
        const activated = activation === 'linear' ? [] : [activation];
        return [conv.name, norm.name, ...activated, ...(pool ? [pool.name] : [])].join('+');
      });
  }

  /** The model's output for a batch (the caller owns the result). */
  predict(x: tf.Tensor): tf.Tensor {
    const plan = this.plan;
    if (!plan) return this.model.predict(x, { batchSize: x.shape[0] }) as tf.Tensor;
    return tf.tidy(() => {
      const values = new Map<number, tf.Tensor>([[plan.input, x]]);
      const left = new Map(plan.readers);
      for (const step of plan.steps) {
        const inputs = step.inputs.map(id => values.get(id)!);
        values.set(step.output, this.run(step, inputs));
        // Free what no later step reads (never the caller's input).
        for (const id of step.inputs) {
          const remaining = left.get(id)! - 1;
          left.set(id, remaining);
          if (remaining === 0 && id !== plan.input) values.get(id)!.dispose();
        }
      }
      return values.get(plan.output)!;
    });
  }

  private run(step: Step, inputs: tf.Tensor[]): tf.Tensor {
    const fold = step.fold;
    if (!fold) {
      const kwargs = { ...step.callArgs, training: false };
      return step.layer.apply(inputs.length === 1 ? inputs[0] : inputs, kwargs) as tf.Tensor;
    }
    const { filter, bias, kernel } = this.weights.get(step)!;
    const conv = fold.conv as unknown as Conv2DState;
    const pad = conv.padding as 'same' | 'valid';
    const x = inputs[0] as tf.Tensor4D;
    const activation = fold.activation as WinogradActivation;
    const pool = fold.pool != null;
    if (kernel === 'winograd') return winogradConv2d(x, filter, bias, pad, activation, { pool });
    if (kernel === 'few-channels') return fewChannelsConv2d(x, filter, bias, pad, activation, pool);
    const args = {
      x,
      filter,
      strides: conv.strides,
      pad,
      dataFormat: 'NHWC' as const,
      dilations: conv.dilationRate,
      bias,
      activation: fold.activation
    };
    const y = fold.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
    if (!fold.pool) return y;
    const pooled = fold.pool.apply(y, { training: false }) as tf.Tensor;
    y.dispose();
    return pooled;
  }

  dispose(): void {
    for (const { filter, bias } of this.weights.values()) tf.dispose([filter, bias]);
    this.weights.clear();
  }
}
