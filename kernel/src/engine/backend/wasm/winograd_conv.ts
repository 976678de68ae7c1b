/**
 * MedflowWinogradConv2D: a 3×3, stride-1 convolution with bias and ReLU / ReLU6 by Winograd's
 * algorithm in the SIMD tensor kernels, on all of the backend's threads: F(4×4, 3×3)
 * (kernel/assembly/tensor/winograd-f4.ts, 36 multiplications per 4×4 outputs and channel pair
 * instead of 144) where the output is at least 4×4, else F(2×2, 3×3) (winograd.ts, 16 per 2×2
 * instead of 36): winogradTile picks the one with fewer products. The benchmark CNN's 3×3
 * layers with 16-64 channels ran at XNNPACK's multiply-add rate already, so fewer
 * multiplications is what made them faster (about 2.5× here).
 *
 * The kernel transforms the filter itself (U = G g Gᵀ, a few microseconds); with `turned` it
 * uses the filter turned by 180° with its channel axes swapped, which makes the input gradient
 * of a 'same' convolution a 'same' convolution of dy (winogradConv2dSame, for training).
 * Rounding differs from the direct sum (the transforms add and subtract inputs before the
 * products): outputs agree with tf.fused.conv2d to about 1e-6 of their scale.
 */
import { tf } from '../tf';
import type { BackendWasm, KernelArgs, TensorInfo } from './util';
import { ownKernel } from './util';
import { heapAddress, tensorKernels, type TensorKernelExports } from './tensor-kernels';
import { runSplit, splitThreads } from './kernel-threads';

export const WINOGRAD_CONV = 'MedflowWinogradConv2D';

/** The activations the kernel applies, by their code in the wasm kernel. */
export const ACTIVATIONS = { linear: 0, relu: 1, relu6: 2 } as const;
export type WinogradActivation = keyof typeof ACTIVATIONS;

/**
 * The two algorithms by output tile size: their filter transform, the points of their
 * transform (products per channel pair and tile), and the exported global that holds their
 * tiles per block (the unit of work of a thread, and of the scratch each thread needs).
 */
const TILES = {
  2: { filter: 'winogradFilterF32', points: 16, block: 'BLOCK' },
  4: { filter: 'winograd4FilterF32', points: 36, block: 'BLOCK4' }
} as const;

/** Tiles per block of a Winograd kernel, as the wasm module defines it. */
export function tilesPerBlock(simd: TensorKernelExports, name: 'BLOCK' | 'BLOCK4'): number {
  return simd[name].value;
}

/**
 * Tiles per block for a convolution whose transformed filter U has `filterFloats` floats. A
 * block of `base` tiles keeps its transformed inputs and products in L1/L2, but each block
 * reads all of U: past 64 K floats (256 KB, e.g. 128 → 128 channels and up) that comes from
 * memory, so blocks grow to amortise it (batch 64, two threads: 4×4 × 512 → 512 channels
 * 25.7 → 20.3 ms; larger blocks fell out of L2).
 */
export function blockFor(filterFloats: number, base: number): number {
  return filterFloats <= LARGE_FILTER ? base : Math.max(base, LARGE_BLOCK);
}
const LARGE_FILTER = 65536;
const LARGE_BLOCK = 32;

/**
 * The output tile (2: F(2×2, 3×3), 4: F(4×4, 3×3)) with fewer products for an ho × wo output:
 * 4 from 4×4 on, except where the larger tiles waste more than they save (5×5, 6×6).
 */
export function winogradTile(ho: number, wo: number): 2 | 4 {
  const f4 = TILES[4].points * Math.ceil(ho / 4) * Math.ceil(wo / 4);
  const f2 = TILES[2].points * Math.ceil(ho / 2) * Math.ceil(wo / 2);
  return f4 < f2 ? 4 : 2;
}

export interface WinogradConvAttrs {
  pad: 'same' | 'valid';
  activation: WinogradActivation;
  /** Use the filter turned by 180°, channel axes swapped (an input gradient's filter). */
  turned: boolean;
  /** Follow with a 2×2, stride-2, 'valid' MaxPooling (each tile is one pooling window). */
  pool: boolean;
}

/** Whether a stride or dilation (a number or one per axis) is 1 on every axis. */
export function allOnes(v: number | number[]): boolean {
  return Array.isArray(v) ? v.every(e => e === 1) : v === 1;
}

/** Whether the kernel takes this convolution: 3×3, stride 1, no dilation, channels in fours. */
export function winogradFits(
  filterShape: number[],
  strides: number | number[],
  dilations: number | number[]
): boolean {
  const [fh, fw, ci, co] = filterShape;
  return (
    fh === 3 && fw === 3 && ci % 4 === 0 && co % 4 === 0 && allOnes(strides) && allOnes(dilations)
  );
}

/**
 * Whether Winograd convolutions are allowed: MEDFLOW_NO_WINOGRAD=1 turns them off (benchmarks
 * compare both in one machine state; a user can rule out their rounding).
 */
export function winogradEnabled(): boolean {
  return process.env.MEDFLOW_NO_WINOGRAD !== '1';
}

/**
 * Whether the active backend runs medflow's convolution kernel `name` (wasm with its SIMD
 * tensor kernels, the kernel registered, MEDFLOW_NO_WINOGRAD not set).
 */
export function ownConvAvailable(name: string): boolean {
  if (!winogradEnabled() || tf.getBackend() !== 'wasm') return false;
  if (tf.getKernel(name, 'wasm') == null) return false;
  return tensorKernels(tf.backend() as unknown as BackendWasm) != null;
}

/** Whether the active backend runs the Winograd kernel. */
export function winogradAvailable(): boolean {
  return ownConvAvailable(WINOGRAD_CONV);
}

function winogradConv({ inputs, backend: b, attrs }: KernelArgs): TensorInfo {
  const backend = b as BackendWasm;
  const { x, filter, bias } = inputs as { x: TensorInfo; filter: TensorInfo; bias: TensorInfo };
  const { pad, activation, turned, pool } = attrs as unknown as WinogradConvAttrs;
  const [n, h, w, ci] = x.shape;
  const [fh, fw, fi, fo] = filter.shape;
  const co = turned ? fi : fo;
  const simd = tensorKernels(backend);
  if (simd == null) {
    throw new Error(`${WINOGRAD_CONV} needs the SIMD tensor kernels (see winogradAvailable)`);
  }
  if (fh !== 3 || fw !== 3 || (turned ? fo : fi) !== ci || ci % 4 !== 0 || co % 4 !== 0) {
    throw new Error(
      `${WINOGRAD_CONV}: filter [${filter.shape}]${turned ? ' (turned)' : ''} does not fit ` +
        `input [${x.shape}] (expected 3×3 with channels in multiples of 4)`
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
  const outShape = pool ? [n, ho >> 1, wo >> 1, co] : [n, ho, wo, co];
  const out = backend.makeOutput(outShape, 'float32');
  const tile = winogradTile(ho, wo);
  const { filter: filterKernel, points, block: blockName } = TILES[tile];
  const tiles = n * Math.ceil(ho / tile) * Math.ceil(wo / tile);
  // Scratch: the transformed filter, then each thread's block memory.
  // U's rows are a cache line longer than ci · co (kernel/assembly/tensor/winograd.ts).
  const filterFloats = points * (ci * co + 16);
  const base = tilesPerBlock(simd, blockName);
  const block = blockFor(filterFloats, base);
  // V and M, each ξ a cache line longer than block · channels.
  const perThread = points * (block * (ci + co) + 32);
  const scratch = backend.makeOutput([filterFloats + splitThreads(backend) * perThread], 'float32');
  const [xa, fa, ba, ya, sa] = [x, filter, bias, out, scratch].map(t => heapAddress(backend, t));
  simd[filterKernel](fa, sa, ci, co, turned);
  const blocks = sa + 4 * filterFloats;
  const { top, left } = info.padInfo;
  runSplit(
    backend,
    tiles,
    (t0, t1, part) => ({
      kernel: 'winogradConv3x3F32',
      args: [
        ...[xa, sa, ba, ya, blocks + 4 * part * perThread],
        ...[n, h, w, ci, co, ho, wo, top, left, ACTIVATIONS[activation], pool ? 1 : 0],
        ...[t0, t1, block, tile]
      ]
    }),
    base,
    base
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
    const value = tf.tidy(() => winogradConv2d(input, w, tf.zeros([w.shape[3]]), 'same', 'linear'));
    save([input, w]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
      const zeros = tf.zeros([ws.shape[2]]) as tf.Tensor1D;
      const dx = winogradConv2d(dy as tf.Tensor4D, ws, zeros, 'same', 'linear', { turned: true });
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
 * y = activation(conv(x, filter) + bias) for a [3, 3, ci, co] filter (or, turned, the
 * [3, 3, co, ci] filter turned by 180° with its channel axes swapped), then with `pool` a 2×2,
 * stride-2, 'valid' MaxPooling; the caller owns the result. Only where winogradAvailable()
 * and winogradFits(…).
 */
export function winogradConv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  pad: 'same' | 'valid',
  activation: WinogradActivation,
  { turned = false, pool = false }: { turned?: boolean; pool?: boolean } = {}
): tf.Tensor4D {
  const attrs: WinogradConvAttrs = { pad, activation, turned, pool };
  return tf
    .engine()
    .runKernel(
      WINOGRAD_CONV,
      { x, filter, bias },
      attrs as unknown as tf.NamedAttrMap
    ) as tf.Tensor4D;
}
