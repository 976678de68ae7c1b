/**
 * Loading of the native TensorFlow backends (@tensorflow/tfjs-node-gpu, @tensorflow/tfjs-node).
 *
 * They are optional dependencies: their install downloads libtensorflow, which fails on machines
 * without internet access, so a missing or broken package must fall through to wasm. They must
 * also share our copy of @tensorflow/tfjs-core: a second copy would register the 'tensorflow'
 * backend against other Tensor classes, and mixing the two fails in confusing ways.
 */
import * as path from 'path';
import { tf } from './tf';

export type NativePackage = '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node';

/** Throws (with the reason) unless `pkg` is installed, loadable and shares our tfjs-core. */
export function loadNative(pkg: NativePackage): void {
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new Error(`${pkg} is not installed`);
  }
  // Check the copy of tfjs-core the native package would use before running it: requiring a
  // package built against another tfjs-core registers its backend in the shared global registry.
  const ours = require.resolve('@tensorflow/tfjs-core');
  const theirs = require.resolve('@tensorflow/tfjs-core', { paths: [path.dirname(pkgJson)] });
  if (ours !== theirs) {
    throw new Error(`${pkg} uses another copy of @tensorflow/tfjs-core (${theirs})`);
  }
  const version = (require(pkgJson) as { version: string }).version;
  if (version !== tf.version_core) {
    throw new Error(`${pkg} ${version} does not match @tensorflow/tfjs-core ${tf.version_core}`);
  }
  require(pkg);
  if (tf.findBackendFactory('tensorflow') == null) {
    throw new Error(`${pkg} loaded but did not register the 'tensorflow' backend`);
  }
}

/** Whether the loaded TensorFlow library sees a CUDA device. */
export function nativeHasGpu(): boolean {
  try {
    // tfjs-node's backend object says whether it is the GPU build and whether TensorFlow
    // placed ops on a CUDA device (the GPU build silently runs on the CPU without CUDA).
    const backend = tf.backend() as unknown as {
      isGPUPackage?: boolean;
      isUsingGpuDevice?: boolean;
    };
    return backend.isGPUPackage === true && backend.isUsingGpuDevice === true;
  } catch {
    return false;
  }
}
