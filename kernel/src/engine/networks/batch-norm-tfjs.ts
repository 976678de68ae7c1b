/**
 * BatchNormalization whose training step is one op with its own gradient.
 *
 * tfjs-layers trains BatchNorm as tf.moments (a Cast copy, mean, x - mean, square, mean) plus
 * tf.batchNorm, and backpropagates through each of them and through batchNorm's mean and
 * variance inputs: on the wasm backend ~17 full passes over the activations and ~40 small ops
 * per layer, a quarter of a small CNN's step. The closed form of the whole gradient,
 *   dx = γ·r·(dy - mean(dy) - x̂·mean(dy·x̂)),  dγ = Σ dy·x̂,  dβ = Σ dy,
 * with r = 1/√(var + ε) and x̂ = (x - mean)·r (biased batch variance, as Keras), needs 4 passes
 * forward and 7 backward. Inference, saving and loading are tfjs-layers' own (the class keeps
 * its name and weights), and layouts other than channels-last with γ and β use its code too.
 */
import { activeBackendHas, BATCH_NORM_DX, CHANNEL_MOMENTS, CHANNEL_SUMS, tf } from '../backend';

type Kwargs = { training?: boolean };

/**
 * The parts of tfjs-layers' BatchNormalization that this subclass and the inference folding
 * (./inference-tfjs.ts) read (private in its typings).
 */
export interface BatchNormState {
  axis: number | number[];
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable | null;
  beta: tf.LayerVariable | null;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

type LayerClass = new (args: object) => tf.layers.Layer;

/** tfjs-layers' BatchNormalization class, from the public serialization registry. */
function stockBatchNormalization(): LayerClass {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  const entry = map.BatchNormalization;
  if (entry == null) throw new Error('tfjs-layers BatchNormalization is not registered');
  return entry[0] as unknown as LayerClass;
}

/** Mean and biased variance over all axes but the last, and the normalized output. */
function trainingBatchNorm(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  stats: { mean?: tf.Tensor; variance?: tf.Tensor }
): tf.Tensor {
  const axes = [...Array(x.rank - 1).keys()];
  const op = tf.customGrad((...args: unknown[]) => {
    const [input, g, b, save] = args as [
      tf.Tensor,
      tf.Tensor1D,
      tf.Tensor1D,
      (tensors: tf.Tensor[]) => void
    ];
    // One kernel where the backend has it (wasm), else tfjs ops.
    const moments = activeBackendHas(CHANNEL_MOMENTS)
      ? tf.unstack(tf.engine().runKernel(CHANNEL_MOMENTS, { x: input }) as tf.Tensor)
      : null;
    const mean = moments ? moments[0] : tf.mean(input, axes);
    const variance = moments ? moments[1] : tf.mean(tf.square(tf.sub(input, mean)), axes);
    const r = tf.rsqrt(tf.add(variance, epsilon));
    const y = tf.batchNorm(input, mean, variance, b, g, epsilon);
    // Kept past the op's scope for the moving averages (the caller disposes them).
    stats.mean = tf.keep(mean);
    stats.variance = tf.keep(variance);
    save([input, mean, r, g]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const g0 = Array.isArray(dy) ? dy[0] : dy;
        const [xs, m, rs, gs] = saved;
        const n = g0.size / g0.shape[g0.rank - 1]!;
        // Two one-pass kernels where the backend has them (wasm), else the same formula as ops.
        const passes = activeBackendHas(CHANNEL_SUMS, BATCH_NORM_DX);
        const [sumDy, sumDyXc] = passes
          ? tf.unstack(tf.engine().runKernel(CHANNEL_SUMS, { dy: g0, x: xs, mean: m }) as tf.Tensor)
          : [tf.sum(g0, axes), tf.sum(tf.mul(g0, tf.sub(xs, m)), axes)];
        const k = tf.mul(gs, rs);
        // dx = k·(dy - Σdy/n - xc·r²·Σ(dy·xc)/n), xc = x - mean
        const xcScale = tf.mul(tf.mul(tf.square(rs), sumDyXc), k).div(n);
        const shift = tf.mul(sumDy, k).div(n);
        const dx = passes
          ? (tf
              .engine()
              .runKernel(BATCH_NORM_DX, { dy: g0, x: xs, mean: m, k, xcScale, shift }) as tf.Tensor)
          : tf.sub(tf.sub(tf.mul(g0, k), tf.mul(tf.sub(xs, m), xcScale)), shift);
        return [dx, tf.mul(sumDyXc, rs), sumDy];
      }
    };
  });
  return op(x, gamma, beta);
}

const Stock = stockBatchNormalization();

export class FusedBatchNormalization extends Stock {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const s = this as unknown as BatchNormState;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const axis = Array.isArray(s.axis) ? s.axis : [s.axis];
    const lastAxis = axis.length === 1 && (axis[0] === -1 || axis[0] === x.rank - 1);
    if (!kwargs.training || !lastAxis || !s.center || !s.scale || x.rank < 2) {
      return super.call(inputs, kwargs);
    }
    return tf.tidy(() => {
      const stats: { mean?: tf.Tensor; variance?: tf.Tensor } = {};
      const y = trainingBatchNorm(
        x,
        s.gamma!.read() as tf.Tensor1D,
        s.beta!.read() as tf.Tensor1D,
        s.epsilon,
        stats
      );
      // The moving averages exactly as tfjs-layers updates them.
      for (const [variable, value] of [
        [s.movingMean, stats.mean!],
        [s.movingVariance, stats.variance!]
      ] as const) {
        tf.tidy(() => {
          const old = variable.read();
          variable.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - s.momentum)));
        });
      }
      tf.dispose([stats.mean!, stats.variance!]);
      return y;
    });
  }
}
