/**
 * Conv2DBackpropInput for wasm: the stock kernel is correct but a plain scalar loop, the slowest
 * step of a training step. The input gradient of a convolution is a convolution of dy with the
 * spatially flipped filter (in and out channels swapped), which the backend's XNNPACK Conv2D
 * runs many times faster: directly for stride 1, and for larger strides after inserting
 * (stride - 1) zeros between the rows and columns of dy. Shapes it cannot map (padding larger
 * than the filter) go to the stock kernel.
 *
 * For strides above 1 the zeros cost three quarters of the products (stride 2), so where the
 * tensor kernels are there the gradient is split into its phases instead: the rows (and
 * columns) of dx whose index plus the padding is p modulo the stride only meet the filter
 * taps p, p + stride, …; each phase is a stride-1 convolution of dy with those taps (2×2, 2×1,
 * 1×2 and 1×1 of a 3×3 filter at stride 2), scattered into its rows and columns of dx.
 *
 * Layers with very few input channels (a first layer on gray or RGB images) are the exception:
 * their input gradient is a convolution with 1-3 output channels, which XNNPACK runs as a GEMM
 * only 1-3 columns wide (slow). For them, cols = dy · Wᵀ (one GEMM, fh·fw·Ci columns) followed
 * by col2im is 3-5× faster.
 */
import { tf } from '../tf';
import type { BackendWasm, KernelArgs, TensorInfo } from './util';
import {
  assertChannelsLast,
  disposeAll,
  heapF32,
  replacementKernel,
  runKernel,
  transpose
} from './util';
import { col2im } from './im2col';
import { heapAddress, tensorKernels } from './tensor-kernels';

/** Input channels up to which the GEMM + col2im formulation is used. */
const FEW_CHANNELS = 4;

/** dx by one GEMM, cols [N·Ho·Wo, fh·fw·Ci] = dy [N·Ho·Wo, Co] · Wᵀ, then col2im. */
function byGemm(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  info: tf.backend_util.Conv2DInfo
): TensorInfo {
  const { batchSize, outHeight, outWidth, outChannels } = info;
  const taps = info.filterHeight * info.filterWidth * info.inChannels;
  const rows = batchSize * outHeight * outWidth;
  // Same memory, other shapes (as the backend's Reshape does).
  const dyRows: TensorInfo = { dataId: dy.dataId, shape: [1, rows, outChannels], dtype: 'float32' };
  const w: TensorInfo = { dataId: filter.dataId, shape: [1, taps, outChannels], dtype: 'float32' };
  const cols = runKernel(
    backend,
    'BatchMatMul',
    { a: dyRows, b: w },
    { transposeA: false, transposeB: true }
  );
  const dx = backend.makeOutput(info.inShape, 'float32');
  const out = heapF32(backend, dx);
  out.fill(0);
  col2im(heapF32(backend, cols), out, info);
  disposeAll(backend, cols);
  return dx;
}

interface Conv2DBackpropInputAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * Along one axis of a strided convolution's input gradient, the phase p: the dx indices
 * i = stride · (q0 + u) + p − pad for u < count, which meet the filter's taps p, p + stride, …
 * (`taps` of them), as a stride-1 correlation of dy padded by padBefore / padAfter.
 */
interface Phase {
  p: number;
  taps: number;
  q0: number;
  count: number;
  padBefore: number;
  padAfter: number;
}

/** The filter turned by 180° with its channel axes swapped: [fh, fw, Co, Ci]. */
function turnedFilter(backend: BackendWasm, filter: TensorInfo): TensorInfo {
  const flipped = runKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const swapped = transpose(backend, flipped, [0, 1, 3, 2]);
  disposeAll(backend, flipped);
  return swapped;
}

/** The phases of one axis, or null where one would need a negative padding (cropping). */
function axisPhases(size: number, dySize: number, f: number, stride: number, pad: number) {
  const phases: Phase[] = [];
  for (let p = 0; p < stride; p++) {
    const taps = Math.max(0, Math.ceil((f - p) / stride));
    const q0 = Math.max(0, Math.ceil((pad - p) / stride));
    const count = Math.max(0, Math.floor((size - 1 + pad - p) / stride) - q0 + 1);
    const padBefore = taps - 1 - q0;
    const padAfter = count + taps - 1 - dySize - padBefore;
    if (taps > 0 && count > 0 && (padBefore < 0 || padAfter < 0)) return null;
    phases.push({ p, taps, q0, count, padBefore, padAfter });
  }
  return phases;
}

/** dx by phases (see the top of the file), or null where an axis does not split cleanly. */
function byPhases(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  info: tf.backend_util.Conv2DInfo
): TensorInfo | null {
  const simd = tensorKernels(backend);
  if (simd == null) return null;
  const { batchSize: n, inHeight, inWidth, inChannels: ci, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const rows = axisPhases(inHeight, info.outHeight, fh, sh, info.padInfo.top);
  const cols = axisPhases(inWidth, info.outWidth, fw, sw, info.padInfo.left);
  if (rows == null || cols == null) return null;
  const swapped = turnedFilter(backend, filter);
  const dx = backend.makeOutput([n, inHeight, inWidth, ci], 'float32');
  // dx rows or columns that meet no filter tap (a filter smaller than the stride) stay 0.
  const untouched = (a: Phase) => a.taps === 0 && a.count > 0;
  if (rows.some(untouched) || cols.some(untouched)) heapF32(backend, dx).fill(0);
  const tap = co * ci;
  for (const r of rows) {
    for (const c of cols) {
      if (r.taps === 0 || c.taps === 0 || r.count === 0 || c.count === 0) continue;
      // Taps p + stride · k of the filter, turned: rows fh − 1 − p − stride · (taps − 1 − k)
      // of the flipped filter, in order.
      const sub = backend.makeOutput([r.taps, c.taps, co, ci], 'float32');
      const from = heapF32(backend, swapped);
      const to = heapF32(backend, sub);
      for (let k = 0; k < r.taps; k++) {
        const fr = fh - 1 - r.p - sh * (r.taps - 1) + sh * k;
        for (let l = 0; l < c.taps; l++) {
          const fc = fw - 1 - c.p - sw * (c.taps - 1) + sw * l;
          const at = (fr * fw + fc) * tap;
          to.set(from.subarray(at, at + tap), (k * c.taps + l) * tap);
        }
      }
      const phase = runKernel(
        backend,
        'Conv2D',
        { x: dy, filter: sub },
        {
          strides: 1,
          dilations: 1,
          pad: [
            [0, 0],
            [r.padBefore, r.padAfter],
            [c.padBefore, c.padAfter],
            [0, 0]
          ],
          dataFormat: 'NHWC'
        }
      );
      const y0 = sh * r.q0 + r.p - info.padInfo.top;
      const x0 = sw * c.q0 + c.p - info.padInfo.left;
      const [src, dst] = [phase, dx].map(t => heapAddress(backend, t));
      simd.scatterPhaseF32(src, dst, n, r.count, c.count, ci, inHeight, inWidth, y0, x0, sh, sw);
      disposeAll(backend, sub, phase);
    }
  }
  disposeAll(backend, swapped);
  return dx;
}

/** dy with (stride - 1) zeros between its rows and between its columns. */
function insertZeros(backend: BackendWasm, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  const [n, h, w, c] = dy.shape;
  const uh = (h - 1) * sh + 1;
  const uw = (w - 1) * sw + 1;
  const out = backend.makeOutput([n, uh, uw, c], 'float32');
  // Views taken after the allocation: allocating may grow (and move) the wasm heap.
  const src = heapF32(backend, dy);
  const dst = heapF32(backend, out);
  dst.fill(0);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const from = ((b * h + y) * w + x) * c;
        const to = ((b * uh + y * sh) * uw + x * sw) * c;
        dst.set(src.subarray(from, from + c), to);
      }
    }
  }
  return out;
}

export function makeConv2DBackpropInputConfig(stock: tf.KernelConfig): tf.KernelConfig {
  function conv2DBackpropInput(args: KernelArgs): TensorInfo {
    const backend = args.backend as BackendWasm;
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
    assertChannelsLast('Conv2DBackpropInput', attrs.dataFormat);
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode
    );
    if (info.inChannels <= FEW_CHANNELS) return byGemm(backend, dy, filter, info);
    if (info.strideHeight > 1 || info.strideWidth > 1) {
      const dx = byPhases(backend, dy, filter, info);
      if (dx != null) return dx;
    }
    const { filterHeight: fh, filterWidth: fw, inHeight, inWidth, strideHeight: sh } = info;
    const sw = info.strideWidth;
    const top = fh - 1 - info.padInfo.top;
    const left = fw - 1 - info.padInfo.left;
    if (top < 0 || left < 0) return stock.kernelFunc(args as never) as TensorInfo;
    const up = sh === 1 && sw === 1 ? dy : insertZeros(backend, dy, sh, sw);
    // Pad the far side so that the output has the input's size; where the zero-upsampled dy
    // is already longer than needed (rows the forward conv never read), crop instead.
    const bottom = inHeight + fh - 1 - top - up.shape[1];
    const right = inWidth + fw - 1 - left - up.shape[2];

    const swapped = turnedFilter(backend, filter);
    let dx = runKernel(
      backend,
      'Conv2D',
      { x: up, filter: swapped },
      {
        strides: 1,
        dilations: 1,
        pad: [
          [0, 0],
          [top, Math.max(0, bottom)],
          [left, Math.max(0, right)],
          [0, 0]
        ],
        dataFormat: 'NHWC'
      }
    );
    disposeAll(backend, swapped);
    if (up !== dy) disposeAll(backend, up);
    if (bottom < 0 || right < 0) {
      const cropped = runKernel(
        backend,
        'Slice',
        { x: dx },
        { begin: [0, 0, 0, 0], size: attrs.inputShape }
      );
      disposeAll(backend, dx);
      dx = cropped;
    }
    return dx;
  }
  return replacementKernel(stock, conv2DBackpropInput);
}
