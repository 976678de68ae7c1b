/**
 * Helpers for kernels that run on tfjs's wasm backend: calling the backend's own kernels from
 * inside a kernel (as its built-in kernels do: no tensors, no tape), and reading and writing
 * tensor memory in the wasm heap directly.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf';

export type { BackendWasm };
export type TensorInfo = tf.TensorInfo;
export type Attrs = tf.NamedAttrMap;

/** The arguments tfjs passes to a kernel function. */
export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: Attrs };

/** The registration of one of medflow's own wasm kernels (no stock kernel to replace). */
export function ownKernel(
  kernelName: string,
  kernelFunc: (args: KernelArgs) => TensorInfo
): tf.KernelConfig {
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

/**
 * The registration of a replacement for a stock kernel: the stock kernel's setup (it binds
 * the backend's C functions) with medflow's kernel function.
 */
export function replacementKernel(
  stock: tf.KernelConfig,
  kernelFunc: (args: KernelArgs) => TensorInfo
): tf.KernelConfig {
  return {
    kernelName: stock.kernelName,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: kernelFunc as unknown as tf.KernelFunc
  };
}

/** Runs the kernel registered for wasm under `name` (a fixed one where we replaced it). */
export function runKernel(
  backend: BackendWasm,
  name: string,
  inputs: Record<string, TensorInfo>,
  attrs: object = {}
): TensorInfo {
  const config = tf.getKernel(name, 'wasm');
  if (config == null) throw new Error(`wasm kernel ${name} is not registered`);
  const out = config.kernelFunc({ inputs, backend, attrs: attrs as Attrs });
  if (Array.isArray(out)) throw new Error(`wasm kernel ${name} returned several outputs`);
  return out;
}

/** Frees intermediate results of `runKernel` (they are not tracked by the tfjs engine). */
export function disposeAll(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** Transposes with the backend's Transpose kernel. */
export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return runKernel(backend, 'Transpose', { x }, { perm });
}

/** A float32 view of a tensor's memory. Invalid after the next wasm allocation (heap growth). */
export function heapF32(backend: BackendWasm, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** Throws unless the tensor layout is NHWC, the only one these kernels handle. */
export function assertChannelsLast(kernel: string, dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(
      `wasm ${kernel}: dataFormat '${String(dataFormat)}' is not supported, use NHWC`
    );
  }
}
