/**
 * The one TensorFlow.js namespace of the engine. Every engine file imports `tf` from
 * `./backend` (this module) rather than from '@tensorflow/tfjs' directly, so that there is a
 * single place that decides which package instance is used and which backend is active.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };

/**
 * Whether the active backend has every one of these kernels: medflow's own kernels exist on
 * some backends only (wasm), and the code that uses them runs tfjs ops elsewhere.
 */
export function activeBackendHas(...kernelNames: string[]): boolean {
  const backend = tf.getBackend();
  return kernelNames.every(name => tf.getKernel(name, backend) != null);
}
