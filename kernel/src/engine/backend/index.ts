/**
 * Compute backend of the engine: the tfjs namespace and the choice of backend.
 *
 * `ensureBackend()` picks the best available backend once (tfjs-node-gpu, tfjs-node, wasm with
 * the training fixes of ./wasm, then the plain-JS cpu backend); every engine entry point that
 * runs tensors awaits it first.
 */
export { activeBackendHas, tf } from './tf';
export type { BackendInfo, BackendName } from './types';
export { ensureBackend, backendInfo } from './select';
export { BATCH_NORM_DX, CHANNEL_MOMENTS, CHANNEL_SUMS } from './wasm/batch_norm_training';
export { fewChannelsAvailable, fewChannelsConv2d, fewChannelsFits } from './wasm/few_channels_conv';
export {
  winogradAvailable,
  winogradConv2d,
  winogradConv2dSame,
  winogradFits,
  type WinogradActivation
} from './wasm/winograd_conv';
