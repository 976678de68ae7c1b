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
 * takes. Computed in float64 from the filter's values, then rounded once.
 */
export function winogradFilter(filter: tf.Tensor4D): tf.Tensor3D {
  const [fh, fw, ci, co] = filter.shape;
  if (fh !== 3 || fw !== 3)
    throw new Error(`winogradFilter: expected a 3×3 filter, got ${fh}×${fw}`);
  const g = filter.dataSync();
  const pairs = ci * co;
  const u = new Float32Array(16 * pairs);
  for (let p = 0; p < pairs; p++) {
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let sum = 0;
        for (let r = 0; r < 3; r++) {
          for (let s = 0; s < 3; s++) sum += G[i][r] * g[(r * 3 + s) * pairs + p] * G[j][s];
        }
        u[(4 * i + j) * pairs + p] = sum;
      }
    }
  }
  return tf.tensor3d(u, [16, ci, co]);
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
