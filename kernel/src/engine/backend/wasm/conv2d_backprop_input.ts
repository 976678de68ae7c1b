/**
 * Conv2DBackpropInput for wasm: the stock kernel is correct but a plain scalar loop, the slowest
 * step of a training step. The input gradient of a convolution is a convolution of dy with the
 * spatially flipped filter (in and out channels swapped), which the backend's XNNPACK Conv2D
 * runs many times faster: directly for stride 1, and for larger strides after inserting
 * (stride - 1) zeros between the rows and columns of dy. Shapes it cannot map (padding larger
 * than the filter) go to the stock kernel.
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

    const flipped = runKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = transpose(backend, flipped, [0, 1, 3, 2]); // [fh, fw, Co, Ci]
    disposeAll(backend, flipped);
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
