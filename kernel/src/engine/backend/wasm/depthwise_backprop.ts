/**
 * DepthwiseConv2dNativeBackpropFilter and ...BackpropInput for wasm: stock tfjs-backend-wasm
 * 4.22 has neither, so depthwise-separable nets (MobileNet-style) cannot train on it. Both are
 * direct loops over the wasm heap (depthwise work is small: fh·fw multiply-adds per element,
 * no channel mixing), with the channel loop innermost over contiguous memory. The filter
 * gradient with multiplier 1 and channels in fours (MobileNetV2's) runs in the SIMD tensor
 * kernels on all threads, summing in float32 (kernel/assembly/tensor/depthwise-filter-grad.ts;
 * the JavaScript loop sums in float64 and was a third of MobileNetV2's training step). The
 * input gradient of the common stride-1, multiplier-1 case is instead a depthwise conv of dy
 * with the flipped filter on the backend's XNNPACK kernel.
 */
import { tf } from '../tf';
import type { BackendWasm, KernelArgs, TensorInfo } from './util';
import { disposeAll, heapF32, runKernel } from './util';
import { heapAddress, tensorKernels } from './tensor-kernels';
import { runSplit } from './kernel-threads';

interface DepthwiseAttrs {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

type Shape4 = [number, number, number, number];

function depthwiseInfo(xShape: Shape4, filterShape: Shape4, attrs: DepthwiseAttrs) {
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true
  );
}

function backpropFilter(args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as DepthwiseAttrs & { filterShape: Shape4 };
  const info = depthwiseInfo(x.shape as Shape4, attrs.filterShape, attrs);
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw, outChannels } = info;
  const mult = outChannels / c;
  const { top, left } = info.padInfo;

  const out = backend.makeOutput(attrs.filterShape, 'float32');
  const simd = tensorKernels(backend);
  if (simd != null && mult === 1 && c % 4 === 0) {
    const [xa, ga, wa] = [x, dy, out].map(t => heapAddress(backend, t));
    const geometry = [batchSize, inHeight, inWidth, c, outHeight, outWidth, fh, fw, sh, sw];
    runSplit(backend, c / 4, (g0, g1) => ({
      kernel: 'depthwiseFilterGradF32',
      args: [xa, ga, wa, ...geometry, dh, dw, top, left, 4 * g0, 4 * g1]
    }));
    return out;
  }
  const xv = heapF32(backend, x);
  const gv = heapF32(backend, dy);
  const dW = heapF32(backend, out);
  // Accumulate in float64 (fixed order: deterministic), then store.
  const acc = new Float64Array(fh * fw * c * mult);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const gBase = ((b * outHeight + oy) * outWidth + ox) * outChannels;
        for (let i = 0; i < fh; i++) {
          const y = oy * sh + i * dh - top;
          if (y < 0 || y >= inHeight) continue;
          for (let j = 0; j < fw; j++) {
            const xx = ox * sw + j * dw - left;
            if (xx < 0 || xx >= inWidth) continue;
            const xBase = ((b * inHeight + y) * inWidth + xx) * c;
            const wBase = (i * fw + j) * c * mult;
            if (mult === 1) {
              for (let ch = 0; ch < c; ch++) acc[wBase + ch] += xv[xBase + ch] * gv[gBase + ch];
            } else {
              for (let ch = 0; ch < c; ch++) {
                const xval = xv[xBase + ch];
                for (let m = 0; m < mult; m++) {
                  acc[wBase + ch * mult + m] += xval * gv[gBase + ch * mult + m];
                }
              }
            }
          }
        }
      }
    }
  }
  dW.set(acc);
  return out;
}

/** dx by the flipped-filter depthwise conv (stride 1, dilation 1, multiplier 1), or null. */
function backpropInputByConv(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  info: tf.backend_util.Conv2DInfo
): TensorInfo | null {
  const { filterHeight: fh, filterWidth: fw, inHeight, inWidth, outHeight, outWidth } = info;
  if (info.strideHeight !== 1 || info.strideWidth !== 1) return null;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  if (info.outChannels !== info.inChannels) return null;
  const top = fh - 1 - info.padInfo.top;
  const left = fw - 1 - info.padInfo.left;
  const bottom = inHeight + fh - 1 - top - outHeight;
  const right = inWidth + fw - 1 - left - outWidth;
  if (Math.min(top, left, bottom, right) < 0) return null;
  const flipped = runKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const dx = runKernel(
    backend,
    'DepthwiseConv2dNative',
    { x: dy, filter: flipped },
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
  );
  disposeAll(backend, flipped);
  return dx;
}

function backpropInput(args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as DepthwiseAttrs & { inputShape: Shape4 };
  const info = depthwiseInfo(attrs.inputShape, filter.shape as Shape4, attrs);
  const fast = backpropInputByConv(backend, dy, filter, info);
  if (fast != null) return fast;

  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw, outChannels } = info;
  const mult = outChannels / c;
  const { top, left } = info.padInfo;

  const out = backend.makeOutput(attrs.inputShape, 'float32');
  const gv = heapF32(backend, dy);
  const wv = heapF32(backend, filter);
  const dx = heapF32(backend, out);
  dx.fill(0);
  // Scatter each output gradient back through the filter taps: per (output pixel, tap) the
  // channels are contiguous in dy, the filter and dx.
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const gBase = ((b * outHeight + oy) * outWidth + ox) * outChannels;
        for (let i = 0; i < fh; i++) {
          const y = oy * sh + i * dh - top;
          if (y < 0 || y >= inHeight) continue;
          for (let j = 0; j < fw; j++) {
            const xx = ox * sw + j * dw - left;
            if (xx < 0 || xx >= inWidth) continue;
            const xBase = ((b * inHeight + y) * inWidth + xx) * c;
            const wBase = (i * fw + j) * c * mult;
            for (let ch = 0; ch < c; ch++) {
              let sum = 0;
              for (let m = 0; m < mult; m++) {
                sum += gv[gBase + ch * mult + m] * wv[wBase + ch * mult + m];
              }
              dx[xBase + ch] += sum;
            }
          }
        }
      }
    }
  }
  return out;
}

export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: backpropFilter as tf.KernelFunc
};

export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: backpropInput as tf.KernelFunc
};
