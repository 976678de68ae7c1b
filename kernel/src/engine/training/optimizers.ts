/**
 * Optimizers of the training settings: names and parameters as in Keras (lr is the learning
 * rate), with their Keras defaults, checked ranges, and the tfjs optimizer each one makes.
 */
import { tf } from '../backend';
import { FusedAdam } from './fused_adam';

interface Range {
  default: number | boolean;
  /** [low, high), low exclusive unless `closed`; booleans have no range. */
  range?: [number, number];
  closed?: boolean;
  description: string;
}

const lr = (d: number): Range => ({ default: d, range: [0, 10], description: 'Learning rate.' });
const beta = (d: number, what: string): Range => ({
  default: d,
  range: [0, 1],
  closed: true,
  description: `Decay rate of the ${what} moment estimate.`
});
const epsilon: Range = {
  default: 1e-7,
  range: [0, 1],
  description: 'Small constant for numerical stability.'
};

/** Every optimizer and its parameters (besides name). */
export const OPTIMIZERS: Record<string, Record<string, Range>> = {
  sgd: {
    lr: lr(0.01),
    momentum: { default: 0, range: [0, 1], closed: true, description: 'Momentum (0: plain SGD).' },
    nesterov: { default: false, description: 'Use Nesterov momentum.' }
  },
  momentum: {
    lr: lr(0.01),
    momentum: { default: 0.9, range: [0, 1], closed: true, description: 'Momentum.' },
    nesterov: { default: false, description: 'Use Nesterov momentum.' }
  },
  adam: {
    lr: lr(1e-3),
    beta_1: beta(0.9, 'first'),
    beta_2: beta(0.999, 'second'),
    epsilon,
    amsgrad: { default: false, description: 'AMSGrad variant (not available in tfjs).' }
  },
  adamax: { lr: lr(1e-3), beta_1: beta(0.9, 'first'), beta_2: beta(0.999, 'second'), epsilon },
  rmsprop: {
    lr: lr(1e-3),
    rho: { ...beta(0.9, 'squared-gradient'), description: 'Decay of the mean squared gradient.' },
    momentum: { default: 0, range: [0, 1], closed: true, description: 'Momentum.' },
    epsilon,
    centered: { default: false, description: 'Normalize by the gradient variance estimate.' }
  },
  adagrad: {
    lr: lr(1e-3),
    initial_accumulator_value: {
      default: 0.1,
      range: [0, 1e6],
      description: 'Starting value of the per-weight sum of squared gradients.'
    }
  },
  adadelta: {
    lr: lr(1e-3),
    rho: { ...beta(0.95, 'update'), description: 'Decay rate of the running averages.' },
    epsilon
  }
};

export type OptimizerSettings = { name: string; lr: number } & Record<
  string,
  number | boolean | string
>;

/** Fills defaults and checks parameters; throws "optimizer adam: beta_1 must be in [0, 1) (got 1)". */
export function resolveOptimizer(opt: { name: string; [k: string]: unknown }): OptimizerSettings {
  const spec = OPTIMIZERS[opt.name];
  if (!spec) {
    throw new Error(
      `optimizer must be one of ${Object.keys(OPTIMIZERS).join(', ')} (got ${JSON.stringify(opt.name)})`
    );
  }
  const out: Record<string, unknown> = { name: opt.name };
  for (const key of Object.keys(opt)) {
    if (key !== 'name' && !(key in spec)) {
      throw new Error(
        `optimizer ${opt.name}: unknown parameter '${key}' (known: ${Object.keys(spec).join(', ')})`
      );
    }
  }
  for (const [key, r] of Object.entries(spec)) {
    const v = opt[key] ?? r.default;
    if (typeof r.default === 'boolean') {
      if (typeof v !== 'boolean') {
        throw new Error(
          `optimizer ${opt.name}: ${key} must be true or false (got ${JSON.stringify(v)})`
        );
      }
      // Keep booleans out of the resolved settings while they have their default.
      if (v !== r.default) out[key] = v;
      continue;
    }
    const [lo, hi] = r.range!;
    const ok = typeof v === 'number' && (r.closed ? v >= lo : v > lo) && v < hi;
    if (!ok) {
      throw new Error(
        `optimizer ${opt.name}: ${key} must be in ${r.closed ? '[' : '('}${lo}, ${hi}) (got ${JSON.stringify(v)})`
      );
    }
    out[key] = v;
  }
  if (out.amsgrad === true) {
    throw new Error(
      'optimizer adam: amsgrad is not available with the tfjs backends (tf.train.adam has no AMSGrad); use adam or adamax'
    );
  }
  return out as OptimizerSettings;
}

export function makeOptimizer(s: OptimizerSettings): tf.Optimizer {
  const n = (k: string) => s[k] as number;
  switch (s.name) {
    case 'adam':
      // One JS pass per variable instead of ~12 tensor ops (see ./fused_adam.ts).
      return new FusedAdam(s.lr, n('beta_1'), n('beta_2'), n('epsilon'));
    case 'adamax':
      return tf.train.adamax(s.lr, n('beta_1'), n('beta_2'), n('epsilon'), 0);
    case 'rmsprop':
      return tf.train.rmsprop(s.lr, n('rho'), n('momentum'), n('epsilon'), s.centered === true);
    case 'adagrad':
      return tf.train.adagrad(s.lr, n('initial_accumulator_value'));
    case 'adadelta':
      return tf.train.adadelta(s.lr, n('rho'), n('epsilon'));
    default:
      // sgd and momentum
      return n('momentum') > 0
        ? tf.train.momentum(s.lr, n('momentum'), s.nesterov === true)
        : tf.train.sgd(s.lr);
  }
}

/** Sets the learning rate of a live optimizer (for the per-epoch decay). */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  // Adam & co. read their (protected) learningRate field on every step; SGD caches a scalar.
  const o = optimizer as unknown as {
    learningRate: number;
    setLearningRate?: (lr: number) => void;
  };
  if (o.setLearningRate) o.setLearningRate(lr);
  else o.learningRate = lr;
}
