/**
 * The filter gradient of a 3×3, stride-1, 'same' convolution by Winograd's F(2×2, 3×3)
 * (kernel/assembly/tensor/winograd-filter-grad.ts): 2.25× fewer multiplications than the
 * patch-matrix product of ./conv2d_backprop_filter.ts, on all of the backend's threads.
 *
 * The tiles are summed in CHUNKS partial gradients (fewer for small inputs) whatever the
 * number of threads, then added in order; for wide filters, in one sum whose output channels
 * the threads share. Which of the two depends on the shapes only: the same bits on one thread
 * as on several.
 */
import { tf } from '../tf';
import type { BackendWasm, TensorInfo } from './util';
import { heapAddress, tensorKernels } from './tensor-kernels';
import { runSplit, splitThreads, type KernelCall } from './kernel-threads';
import { tilesPerBlock, winogradEnabled } from './winograd_conv';

/** Partial sums the tiles are cut into: work for up to this many threads. */
const CHUNKS = 16;

/** Floats of partial sums beyond which the threads share output channels instead (4 MB). */
const PARTIALS_BUDGET = 1 << 20;

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
  const partialFloats = 16 * ci * co;
  // Chunks shared between threads, each with its own partial dU; or, where those partials
  // would be large (wide filters), one chunk whose output channels the threads share.
  const chunkTiles = block * Math.ceil(tiles / block / CHUNKS);
  const byChunks = Math.ceil(tiles / chunkTiles) * partialFloats <= PARTIALS_BUDGET;
  const perChunk = byChunks ? chunkTiles : tiles;
  const chunks = Math.ceil(tiles / perChunk);
  // V and E, each ξ a cache line longer than block · channels (kernel/assembly/tensor/winograd.ts).
  const perThread = 16 * (block * (ci + co) + 32);
  const scratch = backend.makeOutput(
    [chunks * partialFloats + splitThreads(backend) * perThread],
    'float32'
  );
  const dW = backend.makeOutput([3, 3, ci, co], 'float32');
  const [xa, da, sa, wa] = [x, dy, scratch, dW].map(t => heapAddress(backend, t));
  const blocks = sa + 4 * chunks * partialFloats;
  const call = (k0: number, k1: number, o0: number, o1: number, part: number): KernelCall => ({
    kernel: 'winogradFilterGradChunksF32',
    args: [xa, da, sa, blocks + 4 * part * perThread, n, h, w, ci, co, perChunk, k0, k1, o0, o1]
  });
  if (byChunks) {
    runSplit(backend, chunks, (k0, k1, part) => call(k0, k1, 0, co, part));
  } else {
    // Groups of four channels, split in eights (the product's register tile).
    runSplit(backend, co / 4, (g0, g1, part) => call(0, 1, 4 * g0, 4 * g1, part), 2, 2);
  }
  simd.winogradFilterGradFinishF32(sa, chunks, wa, ci, co);
  backend.disposeData(scratch.dataId);
  return dW;
}
