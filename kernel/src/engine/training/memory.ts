/**
 * A check, before the first step, that a training batch fits the backend's memory.
 *
 * tfjs keeps every layer output (and BatchNorm's and activations' intermediates) for the
 * backward pass, and the backward pass adds its own temporaries: measured with tf.profile on
 * the built-in networks at 28×28, a step's peak was 4.0-6.0× the summed layer outputs of the
 * batch (MobileNetV2 70 MB per image; 6.8-8.5× before BatchNorm and relu6 became single ops).
 * The wasm backend's heap cannot grow past 4 GB (wasm32). A step that needs more either aborts
 * the WebAssembly instance, after which no tensor operation works until the process restarts,
 * or crawls for minutes near the limit: MobileNetV2 at batch 64 (~4.5 GB) did both, batch 40
 * trains (2.7 GB heap). Refusing the batch size up front, with the largest one that fits, is
 * the useful answer.
 */
import { tf } from '../backend';

/** Peak step memory per byte of summed layer outputs (measured 4.0-6.0×). */
const PEAK_FACTOR = 5;
/** The wasm heap's hard limit (Emscripten's getHeapMax for wasm32: 4 GiB - 64 KiB). */
export const WASM_HEAP_LIMIT = 4294901760;
/** What a step may use of it: the rest holds weights, optimizer state, data, fragmentation. */
export const WASM_STEP_BUDGET = 3.5 * 2 ** 30;

/** Bytes of all layer outputs of one image (float32). */
export function activationBytesPerImage(model: tf.LayersModel): number {
  let bytes = 0;
  for (const layer of model.layers) {
    const shapes = (
      Array.isArray(layer.outputShape[0]) ? layer.outputShape : [layer.outputShape]
    ) as Array<Array<number | null>>;
    for (const shape of shapes)
      bytes += 4 * shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
  }
  return bytes;
}

/** Estimated peak memory of one training step at `batch` images. */
export function estimatedStepBytes(model: tf.LayersModel, batch: number): number {
  return PEAK_FACTOR * activationBytesPerImage(model) * batch;
}

const gb = (bytes: number) => (bytes / 2 ** 30).toFixed(1);

/** Throws a clear error where a training step at `batch` cannot fit the wasm heap. */
export function assertBatchFits(
  model: tf.LayersModel,
  batch: number,
  backend: string,
  networkName: string
): void {
  if (backend !== 'wasm') return;
  const need = estimatedStepBytes(model, batch);
  if (need <= WASM_STEP_BUDGET) return;
  const perImage = estimatedStepBytes(model, 1);
  const fits = Math.max(1, Math.floor(WASM_STEP_BUDGET / perImage));
  throw new Error(
    `training: batch_size ${batch} needs about ${gb(need)} GB of memory per step for network ` +
      `${networkName} (${(perImage / 2 ** 20).toFixed(0)} MB per image), more than the wasm ` +
      `backend's 4 GB limit; use batch_size ${fits} or less`
  );
}
