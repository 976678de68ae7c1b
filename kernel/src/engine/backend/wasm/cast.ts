/**
 * Cast for wasm without a copy when the dtype does not change. tfjs casts float32 tensors to
 * float32 in common places (tf.moments, the gradients of Relu and of dropout masks), and the
 * stock kernel copies the whole buffer each time; tensors are immutable, so the result can
 * share the buffer under a reference count, as ./identity.ts does.
 *
 * Casting to bool is also fixed: the stock kernel copies the values into the bool (uint8) buffer
 * unconverted, so 2.5 became 2 and 256 became 0 instead of true (1), as on the cpu backend.
 * Other conversions keep the stock kernel.
 */
import { tf } from '../tf';
import type { BackendWasm, TensorInfo } from './util';
import { replacementKernel } from './util';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

export function makeCastConfig(stock: tf.KernelConfig): tf.KernelConfig {
  function cast(args: KernelArgs): TensorInfo {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as unknown as { dtype: tf.DataType };
    if (dtype === 'bool' && x.dtype !== 'bool' && x.dtype !== 'string') {
      const out = backend.makeOutput(x.shape, 'bool');
      // Views taken after the allocation: allocating may grow (and move) the wasm heap.
      const from = backend.typedArrayFromHeap(x);
      const to = backend.typedArrayFromHeap(out);
      for (let i = 0; i < from.length; i++) to[i] = from[i] !== 0 ? 1 : 0;
      return out;
    }
    if (x.dtype !== dtype || dtype === 'string') {
      return stock.kernelFunc(args as never) as TensorInfo;
    }
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype };
  }
  return replacementKernel(stock, cast);
}
