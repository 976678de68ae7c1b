/**
 * Identity for wasm without a copy. While gradients are recorded, tfjs clones (Identity) every
 * tensor a gradient will need, and the stock wasm kernel copies the whole buffer each time:
 * ~5% of a training step, all memcpy. Tensors are immutable (variables are re-pointed, never
 * written in place), so the clone can share the buffer under a reference count, as the cpu
 * backend's Identity and wasm's own Reshape do. Strings keep the stock kernel.
 */
import { tf } from '../tf';
import type { BackendWasm, TensorInfo } from './util';
import { replacementKernel } from './util';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown };

export function makeIdentityConfig(stock: tf.KernelConfig): tf.KernelConfig {
  function identity(args: KernelArgs): TensorInfo {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return stock.kernelFunc(args as never) as TensorInfo;
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  }
  return replacementKernel(stock, identity);
}
