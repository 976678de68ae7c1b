/**
 * Registers the kernels and gradients that stock tfjs-backend-wasm 4.22 lacks or gets wrong
 * in Node, through tfjs's public kernel registry (no fork of the backend). Each fix lives in
 * its own file with the reason it exists.
 */
import { tf } from '../tf';

type KernelConfig = tf.KernelConfig;

const FIXES: KernelConfig[] = [];

let registered = false;

/** Replaces (or adds) each fixed kernel on the 'wasm' backend; safe to call more than once. */
export function registerWasmFixes(): void {
  if (registered) return;
  registered = true;
  for (const config of FIXES) {
    if (tf.getKernel(config.kernelName, 'wasm') != null) {
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
}
