/**
 * MedflowFewChannelsConv2D: a 3×3, stride-1 convolution of an input with 1-3 channels (a
 * network's first layer on grayscale or RGB images) with bias, ReLU / ReLU6 and optionally the
 * 2×2 MaxPooling after it, in the SIMD tensor kernels (kernel/assembly/tensor/
 * conv-few-channels.ts) on all of the backend's threads. Winograd does not pay for such a layer
 * (its products would be 1-3 channels deep) and XNNPACK runs it at about half its usual rate;
 * with the pooling taken in the same pass the full-size output is never written.
 * For evaluation (InferenceRunner): it has no gradient.
 */
import { tf } from '../tf';
import type { BackendWasm, KernelArgs, TensorInfo } from './util';
import { ownKernel } from './util';
import { heapAddress, tensorKernels } from './tensor-kernels';
import { runSplit, splitThreads } from './kernel-threads';
import { ACTIVATIONS, allOnes, ownConvAvailable, type WinogradActivation } from './winograd_conv';

export const FEW_CHANNELS_CONV = 'MedflowFewChannelsConv2D';

interface FewChannelsConvAttrs {
  pad: 'same' | 'valid';
  activation: WinogradActivation;
  pool: boolean;
}

/** Whether the kernel takes this convolution: 3×3, stride 1, no dilation, 1-3 input channels. */
export function fewChannelsFits(
  filterShape: number[],
  strides: number | number[],
  dilations: number | number[]
): boolean {
  const [fh, fw, ci, co] = filterShape;
  return fh === 3 && fw === 3 && ci <= 3 && co % 4 === 0 && allOnes(strides) && allOnes(dilations);
}

/** Whether the active backend runs the kernel. */
export function fewChannelsAvailable(): boolean {
  return ownConvAvailable(FEW_CHANNELS_CONV);
}

function fewChannelsConv({ inputs, backend: b, attrs }: KernelArgs): TensorInfo {
  const backend = b as BackendWasm;
  const { x, filter, bias } = inputs as { x: TensorInfo; filter: TensorInfo; bias: TensorInfo };
  const { pad, activation, pool } = attrs as unknown as FewChannelsConvAttrs;
  const [n, h, w, ci] = x.shape;
  const [fh, fw, fi, co] = filter.shape;
  if (tensorKernels(backend) == null) {
    throw new Error(`${FEW_CHANNELS_CONV} needs the SIMD tensor kernels`);
  }
  if (fh !== 3 || fw !== 3 || fi !== ci || co % 4 !== 0) {
    throw new Error(
      `${FEW_CHANNELS_CONV}: filter [${filter.shape}] does not fit input [${x.shape}] ` +
        '(expected 3×3, output channels a multiple of 4)'
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    [3, 3, ci, co],
    1,
    1,
    pad
  );
  const { outHeight: ho, outWidth: wo } = info;
  const out = backend.makeOutput(pool ? [n, ho >> 1, wo >> 1, co] : [n, ho, wo, co], 'float32');
  // Per thread: four zero-padded input rows and the table of the 9 · ci taps' offsets.
  const perThread = 4 * (wo + 2) * ci + 9 * ci;
  const scratch = backend.makeOutput([splitThreads(backend) * perThread], 'float32');
  const [xa, fa, ba, ya, sa] = [x, filter, bias, out, scratch].map(t => heapAddress(backend, t));
  const { top, left } = info.padInfo;
  runSplit(backend, n * (pool ? ho >> 1 : ho), (u0, u1, part) => ({
    kernel: 'fewChannelsConv3x3F32',
    args: [
      ...[xa, fa, ba, ya, sa + 4 * part * perThread],
      ...[n, h, w, ci, co, ho, wo, top, left, ACTIVATIONS[activation], pool ? 1 : 0, u0, u1]
    ]
  }));
  backend.disposeData(scratch.dataId);
  return out;
}

export const fewChannelsConvConfig = ownKernel(FEW_CHANNELS_CONV, fewChannelsConv);

/**
 * y = activation(conv(x, filter) + bias), then with `pool` a 2×2, stride-2, 'valid'
 * MaxPooling; the caller owns the result. Only where fewChannelsAvailable() and
 * fewChannelsFits(…).
 */
export function fewChannelsConv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  pad: 'same' | 'valid',
  activation: WinogradActivation,
  pool = false
): tf.Tensor4D {
  const attrs: FewChannelsConvAttrs = { pad, activation, pool };
  return tf
    .engine()
    .runKernel(
      FEW_CHANNELS_CONV,
      { x, filter, bias },
      attrs as unknown as tf.NamedAttrMap
    ) as tf.Tensor4D;
}
