/**
 * ReLU's and ReLU6's gradients in one pass on wasm. tfjs-core's gradient is dy · cast(step(x))
 * (for ReLU6 also times LessEqual(x, 6)): a Step pass that writes a full tensor and a Multiply
 * that reads it back (2.8 ms of a 58 ms training step of the benchmark CNN at 64×64; for
 * ReLU6 LessEqual, Step, Multiply and two Casts, 113 ms of MobileNetV2's LessEqual alone per
 * step at batch 32). MedflowReluGrad computes the same products in one pass (SIMD on the heap
 * where the size is a multiple of 4). The gradients are registered for every backend (tfjs
 * registers gradients per kernel, not per backend); backends without the kernel run
 * tfjs-core's formula.
 */
import { activeBackendHas, tf } from '../tf';
import type { BackendWasm, KernelArgs, TensorInfo } from './util';
import { heapF32, ownKernel } from './util';
import { heapAddress, tensorKernels } from './tensor-kernels';
import { MIN_SPLIT_FLOATS, runSplit } from './kernel-threads';

export const RELU_GRAD = 'MedflowReluGrad';

function reluGrad({ inputs, backend: b, attrs }: KernelArgs): TensorInfo {
  const backend = b as BackendWasm;
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  // The largest input that passes the gradient: +∞ for ReLU, 6 for ReLU6.
  const upper = (attrs as { upper?: number }).upper ?? Infinity;
  const out = backend.makeOutput(x.shape, 'float32');
  const n = tf.util.sizeFromShape(x.shape);
  const simd = tensorKernels(backend);
  if (simd && n % 4 === 0) {
    const [g, xs, o] = [dy, x, out].map(t => heapAddress(backend, t));
    runSplit(
      backend,
      n,
      (lo, hi) => ({
        kernel: 'reluGradF32',
        args: [g + 4 * lo, xs + 4 * lo, o + 4 * lo, hi - lo, upper]
      }),
      4,
      MIN_SPLIT_FLOATS
    );
    return out;
  }
  const [g, xs, dx] = [dy, x, out].map(t => heapF32(backend, t));
  for (let i = 0; i < n; i++) {
    const v = xs[i];
    dx[i] = g[i] * (v > 0 && v <= upper ? 1 : Number.isNaN(v) ? NaN : 0);
  }
  return out;
}

export const reluGradKernelConfig = ownKernel(RELU_GRAD, reluGrad);

/** The gradient of `kernelName` (Relu or Relu6), by MedflowReluGrad where the backend has it. */
function gradConfig(
  kernelName: 'Relu' | 'Relu6',
  upper: number,
  formula: (dy: tf.Tensor, x: tf.Tensor) => tf.Tensor
): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const g = Array.isArray(dy) ? dy[0] : dy;
      const [x] = saved;
      const fused = x.dtype === 'float32' && g.dtype === 'float32' && activeBackendHas(RELU_GRAD);
      return {
        x: () =>
          fused
            ? (tf.engine().runKernel(RELU_GRAD, { dy: g, x }, { upper }) as tf.Tensor)
            : formula(g, x)
      };
    }
  };
}

export const reluGradConfig = gradConfig('Relu', Infinity, (g, x) =>
  tf.mul(g, tf.cast(tf.step(x), 'float32'))
);

/** tfjs-core's ReLU6 gradient: dy · (x ≤ 6) · step(x). */
export const relu6GradConfig = gradConfig('Relu6', 6, (g, x) =>
  tf.mul(g, tf.cast(tf.mul(tf.lessEqual(x, 6), tf.step(x)), 'float32'))
);
