/**
 * Registers the kernels that stock tfjs-backend-wasm 4.22 lacks or gets wrong in Node, through
 * tfjs's public kernel registry (no fork of the backend). Each fix lives in its own file with
 * the reason it exists. Replacements that fall back to (or set up) the stock kernel receive it.
 */
import { tf } from '../tf';
import { makeBatchMatMulConfig } from './batch_mat_mul';
import { makeBatchNormConfig } from './batch_norm';
import { batchNormDxConfig, channelMomentsConfig, channelSumsConfig } from './batch_norm_training';
import { makeCastConfig } from './cast';
import { conv2DBackpropFilterConfig } from './conv2d_backprop_filter';
import { makeConv2DBackpropInputConfig } from './conv2d_backprop_input';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise_backprop';
import { fusedBatchNormGradConfig } from './fused_batch_norm_grad';
import { makeIdentityConfig } from './identity';
import { maxPoolGradConfig } from './max_pool_grad';
import { makeMeanConfig, makeSumConfig } from './reduce_leading';
import { makeSliceConfig } from './slice';
import { makeSquareConfig } from './square';
import { makeTransposeConfig } from './transpose';
import { relu6GradConfig, reluGradConfig, reluGradKernelConfig } from './relu_grad';
import { winogradConvConfig } from './winograd_conv';
import { fewChannelsConvConfig } from './few_channels_conv';

type Fix = (stock: tf.KernelConfig | undefined) => tf.KernelConfig;

function needsStock(name: string, make: (stock: tf.KernelConfig) => tf.KernelConfig): Fix {
  return stock => {
    if (stock == null) throw new Error(`stock wasm kernel ${name} is missing`);
    return make(stock);
  };
}

const FIXES: Record<string, Fix> = {
  Conv2DBackpropFilter: () => conv2DBackpropFilterConfig,
  Conv2DBackpropInput: needsStock('Conv2DBackpropInput', makeConv2DBackpropInputConfig),
  MaxPoolGrad: () => maxPoolGradConfig,
  Sum: needsStock('Sum', makeSumConfig),
  Mean: needsStock('Mean', makeMeanConfig),
  BatchMatMul: needsStock('BatchMatMul', makeBatchMatMulConfig),
  DepthwiseConv2dNativeBackpropFilter: () => depthwiseBackpropFilterConfig,
  DepthwiseConv2dNativeBackpropInput: () => depthwiseBackpropInputConfig,
  Identity: needsStock('Identity', makeIdentityConfig),
  Slice: needsStock('Slice', makeSliceConfig),
  Square: needsStock('Square', makeSquareConfig),
  Cast: needsStock('Cast', makeCastConfig),
  FusedBatchNorm: needsStock('FusedBatchNorm', makeBatchNormConfig),
  Transpose: needsStock('Transpose', makeTransposeConfig),
  // medflow's own (no stock kernel): BatchNormalization's training statistics and gradient,
  // ReLU's gradient, each in one or two passes.
  MedflowChannelMoments: () => channelMomentsConfig,
  MedflowChannelSums: () => channelSumsConfig,
  MedflowBatchNormDx: () => batchNormDxConfig,
  MedflowReluGrad: () => reluGradKernelConfig,
  // and 3×3 convolutions by Winograd's F(4×4, 3×3) and F(2×2, 3×3), and of inputs with 1-3
  // channels.
  MedflowWinogradConv2D: () => winogradConvConfig,
  MedflowFewChannelsConv2D: () => fewChannelsConvConfig
};

let registered = false;

/** Replaces (or adds) each fixed kernel on the 'wasm' backend; later calls do nothing. */
export function registerWasmFixes(): void {
  if (registered) return;
  registered = true;
  for (const [name, fix] of Object.entries(FIXES)) {
    const stock = tf.getKernel(name, 'wasm');
    const config = fix(stock);
    if (stock != null) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
  }
  // Gradients are shared by all backends; these run plain tfjs ops where the backend lacks
  // medflow's kernels (see their files).
  tf.registerGradient(fusedBatchNormGradConfig);
  tf.registerGradient(reluGradConfig);
  tf.registerGradient(relu6GradConfig);
}

/** Names of the kernels this module replaces or adds, for tests and diagnostics. */
export const FIXED_KERNELS = Object.keys(FIXES);
