/**
 * Gradient of FusedBatchNorm (tf.batchNorm, used by tf.layers.batchNormalization). tfjs-core's
 * version tiles 1/sqrt(variance + ε) to the full size of x before multiplying, and computes
 * five full-size products; on wasm the Tile alone was ~35% of a whole training step. This one
 * broadcasts instead and needs only two reductions, Σdy and Σdy·(x - mean), from which all five
 * gradients follow:
 *   dx = dy·scale·r,  dmean = -scale·r·Σdy,  dvariance = -½·scale·r³·Σdy·(x-mean),
 *   dscale = r·Σdy·(x-mean),  doffset = Σdy,  with r = 1/sqrt(variance + ε).
 * Gradients are registered per kernel, not per backend: this one serves every backend (it is
 * plain tfjs ops), which is also what lets the cpu backend check it.
 */
import { tf } from '../tf';

/** Sums `t` over the axes along which `shape` was broadcast to `t.shape`, giving `shape`. */
function sumTo(t: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, t.shape);
  return (axes.length > 0 ? tf.sum(t, axes) : t).reshape(shape);
}

export const fusedBatchNormGradConfig: tf.GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const g = Array.isArray(dy) ? dy[0] : dy;
    const [x, mean, variance, scale] = saved;
    const epsilon = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
    const r = tf.rsqrt(tf.add(variance, epsilon));
    const scaled = scale == null ? r : tf.mul(r, scale);
    // Σdy and Σdy·(x-mean), computed once here: tfjs runs each returned thunk in its own tidy
    // scope, so a tensor memoised inside one thunk would be disposed before the next one.
    const paramShape = mean.shape;
    const sumDy = sumTo(g, paramShape);
    const sumDyXc = sumTo(tf.mul(g, tf.sub(x, mean)), paramShape);
    const scaleOr1 = (t: tf.Tensor) => (scale == null ? t : tf.mul(t, scale));
    return {
      x: () => tf.mul(g, scaled),
      mean: () => tf.neg(tf.mul(scaled, sumDy)).reshape(mean.shape),
      variance: () => scaleOr1(tf.mul(tf.mul(tf.pow(r, 3), -0.5), sumDyXc)).reshape(variance.shape),
      scale: () => sumTo(tf.mul(r, sumDyXc), scale.shape),
      offset: () => sumTo(sumDy, paramShape)
    };
  }
};
