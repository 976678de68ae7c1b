/**
 * MedflowWinogradConv2D: a 3×3, stride-1 convolution with bias and ReLU / ReLU6 by Winograd's
 * F(2×2, 3×3) in the SIMD tensor kernels (kernel/assembly/tensor/winograd.ts), on all of the
 * backend's threads. 16 multiplications per 2×2 outputs and channel pair instead of 36: the
 * benchmark CNN's 3×3 layers with 16-64 channels run at XNNPACK's multiply-add rate already,
 * so fewer multiplications is what is left to make them faster.
 *
 * The filter comes transformed (winogradFilter, U = G g Gᵀ, 16 × ci × co): a caller that runs
 * the same weights many times (evaluation, InferenceRunner) transforms them once.
 * Rounding differs from the direct sum (the transforms add and subtract inputs before the
 * products): outputs agree with tf.fused.conv2d to about 1e-6 of their scale.
 */
import { tf } from '../tf';
import type { BackendWasm, KernelArgs, TensorInfo } from './util';
import { ownKernel } from './util';
import { heapAddress, tensorKernels } from './tensor-kernels';
import { runSplit, splitThreads } from './kernel-threads';

export const WINOGRAD_CONV = 'MedflowWinogradConv2D';

/** The activations the kernel applies, by their code in the wasm kernel. */
const ACTIVATIONS = { linear: 0, relu: 1, relu6: 2 } as const;
export type WinogradActivation = keyof typeof ACTIVATIONS;

/** Tiles per block in the wasm kernel (its BLOCK): the unit of work of a thread. */
const BLOCK = 32;

export interface WinogradConvAttrs {
  pad: 'same' | 'valid';
  activation: WinogradActivation;
}

// G of F(2×2, 3×3): U = G g Gᵀ.
const G = [
  [1, 0, 0],
  [0.5, 0.5, 0.5],
  [0.5, -0.5, 0.5],
  [0, 0, 1]
];

/**
 * U = G g Gᵀ of a [3, 3, ci, co] filter, as [16, ci, co] (ξ = 4i + j): the filter the kernel
 * takes. Two small matrix products over all ci · co filters at once, on any backend.
 */
export function winogradFilter(filter: tf.Tensor4D): tf.Tensor3D {
  const [fh, fw, ci, co] = filter.shape;
  if (fh !== 3 || fw !== 3)
    throw new Error(`winogradFilter: expected a 3×3 filter, got ${fh}×${fw}`);
  return tf.tidy(() => {
    const g = tf.tensor2d(G);
    const pairs = ci * co;
    // Rows first: T[i, s, p] = Σ_r G[i][r] g[r, s, p]; then columns: U[i, j, p] = Σ_s G[j][s] T[i, s, p].
    const rows = tf.reshape(tf.matMul(g, tf.reshape(filter, [3, 3 * pairs])), [4, 3, pairs]);
    const both = tf.matMul(tf.broadcastTo(g, [4, 4, 3]), rows);
    return tf.reshape(both, [16, ci, co]);
  });
}

/** Whether the kernel takes this convolution: 3×3, stride 1, no dilation, channels in fours. */
export function winogradFits(
  filterShape: number[],
  strides: number | number[],
  dilations: number | number[]
): boolean {
  const ones = (v: number | number[]) => (Array.isArray(v) ? v.every(e => e === 1) : v === 1);
  const [fh, fw, ci, co] = filterShape;
  return fh === 3 && fw === 3 && ci % 4 === 0 && co % 4 === 0 && ones(strides) && ones(dilations);
}

/** Whether the active backend runs the kernel (wasm, with its SIMD tensor kernels). */
export function winogradAvailable(): boolean {
  if (tf.getBackend() !== 'wasm' || tf.getKernel(WINOGRAD_CONV, 'wasm') == null) return false;
  return tensorKernels(tf.backend() as unknown as BackendWasm) != null;
}

function winogradConv({ inputs, backend: b, attrs }: KernelArgs): TensorInfo {
  const backend = b as BackendWasm;
  const { x, u, bias } = inputs as { x: TensorInfo; u: TensorInfo; bias: TensorInfo };
  const { pad, activation } = attrs as unknown as WinogradConvAttrs;
  const [n, h, w, ci] = x.shape;
  const co = u.shape[2];
  if (tensorKernels(backend) == null) {
    throw new Error(`${WINOGRAD_CONV} needs the SIMD tensor kernels (see winogradAvailable)`);
  }
  if (u.shape[0] !== 16 || u.shape[1] !== ci || ci % 4 !== 0 || co % 4 !== 0) {
    throw new Error(
      `${WINOGRAD_CONV}: filter [${u.shape}] does not fit input [${x.shape}] ` +
        '(expected [16, ci, co] with ci and co multiples of 4)'
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
  const out = backend.makeOutput([n, ho, wo, co], 'float32');
  const tiles = n * Math.ceil(ho / 2) * Math.ceil(wo / 2);
  const perThread = 16 * BLOCK * (ci + co);
  const scratch = backend.makeOutput([splitThreads(backend) * perThread], 'float32');
  const [xa, ua, ba, ya, sa] = [x, u, bias, out, scratch].map(t => heapAddress(backend, t));
  const { top, left } = info.padInfo;
  runSplit(
    backend,
    tiles,
    (t0, t1, part) => ({
      kernel: 'winogradConv3x3F32',
      args: [
        ...[xa, ua, ba, ya, sa + 4 * part * perThread],
        ...[n, h, w, ci, co, ho, wo, top, left, ACTIVATIONS[activation], t0, t1]
      ]
    }),
    BLOCK,
    BLOCK
  );
  backend.disposeData(scratch.dataId);
  return out;
}

export const winogradConvConfig = ownKernel(WINOGRAD_CONV, winogradConv);

/**
 * conv2d(x, filter, 1, 'same') for training: forward and input gradient by Winograd (the input
 * gradient of a 'same' 3×3 convolution is the 'same' convolution of dy with the filter turned
 * by 180° and its channel axes swapped), the filter's gradient by Conv2DBackpropFilter. Both
 * gradients are always computed: not for a network's first layer (its 1-3 channels do not fit).
 * Only where winogradAvailable() and winogradFits(…).
 */
export function winogradConv2dSame(x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  const conv = tf.customGrad((...args: unknown[]) => {
    const [input, w, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    const zeros = tf.zeros([w.shape[3]]) as tf.Tensor1D;
    const u = winogradFilter(w);
    const value = winogradConv2d(input, u, zeros, 'same', 'linear');
    tf.dispose(u);
    save([input, w]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
      const turned = tf.transpose(tf.reverse(ws, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
      const uTurned = winogradFilter(turned);
      const bias = tf.zeros([ws.shape[2]]) as tf.Tensor1D;
      const dx = winogradConv2d(dy as tf.Tensor4D, uTurned, bias, 'same', 'linear');
      const dw = tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x: xs, dy },
          { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, filterShape: ws.shape }
        ) as tf.Tensor4D;
      return [dx, dw];
    };
    return { value, gradFunc };
  });
  return conv(x, filter) as tf.Tensor4D;
}

/**
 * y = activation(conv(x, filter) + bias) with the filter already transformed by winogradFilter
 * (the caller owns the result). Only where winogradAvailable() and winogradFits(…).
 */
export function winogradConv2d(
  x: tf.Tensor4D,
  u: tf.Tensor3D,
  bias: tf.Tensor1D,
  pad: 'same' | 'valid',
  activation: WinogradActivation
): tf.Tensor4D {
  const attrs: WinogradConvAttrs = { pad, activation };
  return tf
    .engine()
    .runKernel(WINOGRAD_CONV, { x, u, bias }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
