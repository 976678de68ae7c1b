/**
 * Conv2DBackpropFilter for wasm: stock tfjs-backend-wasm 4.22 has no such kernel, so no model
 * with a Conv2D layer can train on it ("Kernel 'Conv2DBackpropFilter' not registered").
 *
 * A 3×3, stride-1, 'same' convolution with channels in fours takes Winograd's F(2×2, 3×3)
 * (./winograd_filter_grad.ts, 2× faster for the benchmark CNN's layers).
 *
 * Otherwise it is mostly one GEMM, dW[(i,j,ci), co] = Σ_p colT[(i,j,ci), p] · dy[p, co], with the patch
 * matrix colT built per group of images (./im2col.ts, in the SIMD tensor kernels) and
 * multiplied by the backend's XNNPACK MatMul: 3-4× faster than the formulations below for one
 * input channel, which run the same sum as an XNNPACK Conv2D with a huge filter that XNNPACK
 * treats as a GEMM only Ci columns wide, and 1.1-4× faster for more channels (see gemmPays).
 *
 * Otherwise the filter gradient is computed as a convolution with the backend's Conv2D:
 *   dW[i,j,ci,co] = Σ_{n,y,x} x[n, y·s + i·d - pad, x·s + j·d - pad, ci] · dy[n,y,x,co].
 * With the batch moved into the channels (x → [Ci,H,W,N], dy → [Ho,Wo,N,Co]) this is a conv of
 * x with dy as the filter, where the original stride becomes the dilation and the original
 * dilation the stride; its output [Ci,fh,fw,Co] transposes to the filter shape. For stride 1
 * the roles of x and dy are swapped (see byFlippedRoles).
 */
import { tf } from '../tf';
import type { Attrs, BackendWasm, TensorInfo } from './util';
import { assertChannelsLast, disposeAll, heapF32, runKernel, transpose } from './util';
import { im2colTransposed, imagesPerGroup } from './im2col';
import { heapAddress, tensorKernels } from './tensor-kernels';
import { runSplit } from './kernel-threads';
import { winogradFilterGrad } from './winograd_filter_grad';

/**
 * Patch rows (filter taps × input channels) up to which the product is gemmRowsF32 instead of
 * XNNPACK's: XNNPACK repacks all of dy (its right operand) first, about as costly as the
 * product when each dy value meets few rows (measured for 9 rows, 32×64×64×1 → 16: 5.8 ms of
 * which 5.1 repacking). For 144 and 288 rows gemmRowsF32 on one thread equals XNNPACK on one
 * (repacking included) and loses to it on two.
 */
const SHORT_ROWS = 32;

/** Input channels up to which the GEMM formulation is used without the SIMD im2col. */
const FEW_CHANNELS = 8;

/**
 * groupFloats: floats of one group's patch matrix (32 MB), bounded scratch memory. A batch of
 * 32 small images (up to 64×64×16 at 3×3) is one group: each further group slices dy (or, in
 * the short product, reads it from an offset). Tests lower it to have several groups.
 */
export const patchLimits = { groupFloats: 8 << 20 };

/** im2colTransposed into colT, in the SIMD tensor kernels where they run (else in JS). */
function patchMatrix(
  backend: BackendWasm,
  xChw: TensorInfo,
  colT: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  n0: number,
  count: number
): void {
  const simd = tensorKernels(backend);
  if (!simd) {
    im2colTransposed(heapF32(backend, xChw), heapF32(backend, colT), info, n0, count);
    return;
  }
  simd.im2colTransposedF32(
    heapAddress(backend, xChw),
    heapAddress(backend, colT),
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
    n0,
    count
  );
}

/**
 * colT · dy[images n0 … n0 + count) by the backend's MatMul (XNNPACK), dy's rows sliced out
 * when they are not all of dy.
 */
function matMulRows(
  backend: BackendWasm,
  colT: TensorInfo,
  dy: TensorInfo,
  n0: number,
  count: number,
  info: tf.backend_util.Conv2DInfo
): TensorInfo {
  const { batchSize, outHeight, outWidth, outChannels } = info;
  const dyPart =
    count === batchSize
      ? dy
      : runKernel(
          backend,
          'Slice',
          { x: dy },
          { begin: [n0, 0, 0, 0], size: [count, outHeight, outWidth, outChannels] }
        );
  const dyRows: TensorInfo = {
    dataId: dyPart.dataId,
    shape: [1, count * outHeight * outWidth, outChannels],
    dtype: 'float32'
  };
  const part = runKernel(
    backend,
    'BatchMatMul',
    { a: colT, b: dyRows },
    { transposeA: false, transposeB: false }
  );
  if (dyPart !== dy) disposeAll(backend, dyPart);
  return part;
}

/** colT (rows × cols) · dy's rows from `firstRow` on (cols × co), by gemmRowsF32 on all threads. */
function shortProduct(
  backend: BackendWasm,
  colT: TensorInfo,
  dy: TensorInfo,
  firstRow: number,
  rows: number,
  cols: number,
  co: number
): TensorInfo {
  const part = backend.makeOutput([1, rows, co], 'float32');
  const from = heapAddress(backend, dy) + firstRow * co * 4;
  const [a, c] = [heapAddress(backend, colT), heapAddress(backend, part)];
  // In whole register tiles of 3 rows per thread.
  const tileRows = 3;
  runSplit(
    backend,
    rows,
    (i0, i1) => ({ kernel: 'gemmRowsF32', args: [a, from, c, cols, co, i0, i1] }),
    tileRows
  );
  return part;
}

/**
 * dW by GEMM over groups of images; the groups' products are summed in a fixed order (the
 * result does not depend on thread timing).
 */
function byGemm(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo
): TensorInfo {
  const { batchSize, inChannels, outHeight, outWidth, outChannels } = info;
  const rows = info.filterHeight * info.filterWidth * inChannels;
  // Channel-major x, [Ci, N, H, W]: for one channel that is x's own memory.
  const xChw = inChannels === 1 ? x : transpose(backend, x, [3, 0, 1, 2]);
  const group = imagesPerGroup(info, patchLimits.groupFloats);
  const simd = tensorKernels(backend);
  const short = simd != null && rows <= SHORT_ROWS && outChannels % 4 === 0;
  let sum: TensorInfo | null = null;
  for (let n0 = 0; n0 < batchSize; n0 += group) {
    const count = Math.min(group, batchSize - n0);
    const cols = count * outHeight * outWidth;
    const colT = backend.makeOutput([1, rows, cols], 'float32');
    patchMatrix(backend, xChw, colT, info, n0, count);
    const part = short
      ? shortProduct(backend, colT, dy, n0 * outHeight * outWidth, rows, cols, outChannels)
      : matMulRows(backend, colT, dy, n0, count, info);
    disposeAll(backend, colT);
    if (sum == null) {
      sum = part;
    } else {
      const acc = heapF32(backend, sum);
      const add = heapF32(backend, part);
      for (let k = 0; k < acc.length; k++) acc[k] += add[k];
      disposeAll(backend, part);
    }
  }
  if (xChw !== x) disposeAll(backend, xChw);
  sum!.shape = [info.filterHeight, info.filterWidth, inChannels, outChannels];
  return sum!;
}

/**
 * Where the GEMM wins: a patch matrix not much larger than x, built by the SIMD tensor kernels
 * (batch 32, 2 threads: 3×3 on 32×32×16 → 32 5.7 vs 9.3 ms, 8×8×128 → 128 8.6 vs 19.4 ms,
 * 1×1 on 16×16×64 → 128 3.3 vs 13.6 ms), or in JS for few input channels (3-4× faster for
 * 1 channel; from 16 channels on, the JS patch matrix cost as much as XNNPACK's convolution).
 */
function gemmPays(backend: BackendWasm, info: tf.backend_util.Conv2DInfo): boolean {
  const taps = info.filterHeight * info.filterWidth;
  const positions = info.outHeight * info.outWidth;
  const inputs = info.inHeight * info.inWidth;
  const fewChannels = info.inChannels <= FEW_CHANNELS || tensorKernels(backend) != null;
  return fewChannels && taps * positions <= 16 * inputs;
}

interface Conv2DBackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** Bottom/right padding of the transformed conv so that it yields `want` rows, or `0` + crop. */
function tailPad(
  size: number,
  head: number,
  dyLen: number,
  stride: number,
  dil: number,
  want: number
) {
  // Rows the transformed conv needs: its taps reach (want-1)·dil + (dyLen-1)·stride + 1 rows.
  return Math.max(0, (want - 1) * dil + (dyLen - 1) * stride + 1 - size - head);
}

/**
 * Stride 1: the same sum with the roles of x and dy swapped, dy → [Co,Ho,Wo,N] as the input
 * and x → [H,W,N,Ci] as the filter. The output comes out spatially flipped ([Co,fh,fw,Ci],
 * tap fh-1-i at row i). XNNPACK repacks its filter on every call, and x is usually smaller than
 * dy (fewer channels at the same resolution): 5-20% faster here. Null where padding is odd.
 */
function byFlippedRoles(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo
): TensorInfo | null {
  const { filterHeight: fh, filterWidth: fw, inHeight, inWidth, outHeight, outWidth } = info;
  const top = fh - 1 - info.padInfo.top;
  const left = fw - 1 - info.padInfo.left;
  const bottom = inHeight - outHeight + info.padInfo.top;
  const right = inWidth - outWidth + info.padInfo.left;
  if (Math.min(top, left, bottom, right) < 0) return null;
  const dyT = transpose(backend, dy, [3, 1, 2, 0]); // [Co, Ho, Wo, N]
  const xT = transpose(backend, x, [1, 2, 0, 3]); // [H, W, N, Ci]
  const flipped = runKernel(
    backend,
    'Conv2D',
    { x: dyT, filter: xT },
    {
      strides: 1,
      dilations: 1,
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0]
      ],
      dataFormat: 'NHWC'
    }
  ); // [Co, fh, fw, Ci]
  disposeAll(backend, dyT, xT);
  const grad = runKernel(backend, 'Reverse', { x: flipped }, { dims: [1, 2] });
  disposeAll(backend, flipped);
  const dW = transpose(backend, grad, [1, 2, 3, 0]); // [fh, fw, Ci, Co]
  disposeAll(backend, grad);
  return dW;
}

function conv2DBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: Attrs;
}): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  assertChannelsLast('Conv2DBackpropFilter', attrs.dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode
  );
  const { filterHeight: fh, filterWidth: fw, inHeight, inWidth, outHeight, outWidth } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;
  const winograd = winogradFilterGrad(backend, x, dy, info);
  if (winograd != null) return winograd;
  if (gemmPays(backend, info)) return byGemm(backend, x, dy, info);
  if (sh === 1 && sw === 1 && dh === 1 && dw === 1) {
    const swapped = byFlippedRoles(backend, x, dy, info);
    if (swapped != null) return swapped;
  }
  const bottom = tailPad(inHeight, top, outHeight, sh, dh, fh);
  const right = tailPad(inWidth, left, outWidth, sw, dw, fw);

  const xT = transpose(backend, x, [3, 1, 2, 0]); // [Ci, H, W, N]
  const dyT = transpose(backend, dy, [1, 2, 0, 3]); // [Ho, Wo, N, Co]
  let grad = runKernel(
    backend,
    'Conv2D',
    { x: xT, filter: dyT },
    {
      strides: [dh, dw],
      dilations: [sh, sw],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0]
      ],
      dataFormat: 'NHWC'
    }
  );
  disposeAll(backend, xT, dyT);
  // Rows/columns of x that no output position reads (valid padding with a stride that does not
  // tile the input) make the transformed conv one step too long: crop them.
  if (grad.shape[1] !== fh || grad.shape[2] !== fw) {
    const cropped = runKernel(
      backend,
      'Slice',
      { x: grad },
      { begin: [0, 0, 0, 0], size: [grad.shape[0], fh, fw, grad.shape[3]] }
    );
    disposeAll(backend, grad);
    grad = cropped;
  }
  const dW = transpose(backend, grad, [1, 2, 0, 3]); // [fh, fw, Ci, Co]
  disposeAll(backend, grad);
  return dW;
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as tf.KernelFunc
};
