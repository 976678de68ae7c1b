/**
 * The filter gradient of a 3×3, stride-1, 'same' convolution by Winograd's F(2×2, 3×3)
 * (kernel/assembly/tensor/winograd-filter-grad.ts): 2.25× fewer multiplications than the
 * patch-matrix product of ./conv2d_backprop_filter.ts, on all of the backend's threads.
 *
 * The tiles are summed in CHUNKS partial gradients (fewer for small inputs) whatever the
 * number of threads, then added in order: the same bits on one thread as on several.
 */
import { tf } from '../tf';
import type { BackendWasm, TensorInfo } from './util';
import { heapAddress, tensorKernels } from './tensor-kernels';
import { runSplit, splitThreads } from './kernel-threads';
import { tilesPerBlock, winogradEnabled } from './winograd_conv';

/** Partial sums the tiles are cut into: work for up to this many threads. */
const CHUNKS = 16;

/** Whether the Winograd filter gradient computes this one: 3×3, stride 1, 'same', channels in fours. */
function fits(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === 3 &&
    info.filterWidth === 3 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.padInfo.top === 1 &&
    info.padInfo.left === 1 &&
    info.outHeight === info.inHeight &&
    info.outWidth === info.inWidth &&
    info.inChannels % 4 === 0 &&
    info.outChannels % 4 === 0
  );
}

/** dW [3, 3, ci, co] of x and dy by Winograd, or null where it does not apply. */
export function winogradFilterGrad(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo
): TensorInfo | null {
  const simd = tensorKernels(backend);
  if (simd == null || !winogradEnabled() || !fits(info)) return null;
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info;
  const tiles = n * Math.ceil(h / 2) * Math.ceil(w / 2);
  const block = tilesPerBlock(simd, 'BLOCK');
  const perChunk = block * Math.ceil(tiles / block / CHUNKS);
  const chunks = Math.ceil(tiles / perChunk);
  const partialFloats = 16 * ci * co;
  // V and E, each ξ a cache line longer than block · channels (kernel/assembly/tensor/winograd.ts).
  const perThread = 16 * (block * (ci + co) + 32);
  const scratch = backend.makeOutput(
    [chunks * partialFloats + splitThreads(backend) * perThread],
    'float32'
  );
  const dW = backend.makeOutput([3, 3, ci, co], 'float32');
  const [xa, da, sa, wa] = [x, dy, scratch, dW].map(t => heapAddress(backend, t));
  const blocks = sa + 4 * chunks * partialFloats;
  runSplit(backend, chunks, (k0, k1, part) => ({
    kernel: 'winogradFilterGradChunksF32',
    args: [xa, da, sa, blocks + 4 * part * perThread, n, h, w, ci, co, perChunk, k0, k1]
  }));
  simd.winogradFilterGradFinishF32(sa, chunks, wa, ci, co);
  backend.disposeData(scratch.dataId);
  return dW;
}
