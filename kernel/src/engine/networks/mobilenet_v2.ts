/**
 * MobileNetV2 (Sandler et al. 2018) as a network document: inverted residual blocks (1×1
 * expansion, 3×3 depthwise, linear 1×1 projection) with ReLU6, laid out as Keras'
 * MobileNetV2. For small inputs (default) the stem and the second stage keep stride 1, so a
 * 28×28 image goes 28 → 28 → 14 → 7 → 4; 'imagenet' uses the original strides for 224×224.
 */
import type { NetworkDocument } from '../../../../schema/documents';
import { checkClasses, NetworkBuilder } from './builder';

export interface MobileNetV2Options {
  classes: number;
  /** [H, W, C]; leave it out to take the shape of the pipeline's processed images. */
  inputShape?: [number, number, number];
  /** Width multiplier (alpha): scales every layer's channels. Default 1. */
  alpha?: number;
  /** 'small' (stride-1 stem and 2nd stage; default) or 'imagenet' (original strides). */
  stem?: 'small' | 'imagenet';
  /** Dropout rate before the classifier (0: none, the default). */
  dropout?: number;
}

/** Channels rounded to a multiple of 8, never more than 10% below the target (as Keras). */
function divisible(v: number, d = 8): number {
  const r = Math.max(d, Math.floor((v + d / 2) / d) * d);
  return r < 0.9 * v ? r + d : r;
}

// (expansion t, output channels c, repeats n, first stride s) as in the paper's Table 2.
const STAGES: [number, number, number, number][] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1]
];

export function mobilenetV2(options: MobileNetV2Options): NetworkDocument {
  const { classes, alpha = 1, stem = 'small', dropout = 0 } = options;
  checkClasses('mobilenet_v2', classes);
  if (!(alpha > 0 && alpha <= 4)) {
    throw new Error(`mobilenet_v2: alpha must be in (0, 4] (got ${alpha})`);
  }
  const b = new NetworkBuilder(options.inputShape);
  const bn = (id: string) => b.add(id, 'BatchNormalization', { momentum: 0.999, epsilon: 1e-3 });
  const relu6 = (id: string) => b.add(id, 'Activation', { activation: 'relu6' });
  const pointwise = (id: string, filters: number) =>
    b.add(id, 'Conv2D', {
      filters,
      kernel_size: 1,
      use_bias: false,
      kernel_initializer: 'he_normal'
    });

  b.add('stem_conv', 'Conv2D', {
    filters: divisible(32 * alpha),
    kernel_size: 3,
    strides: stem === 'imagenet' ? 2 : 1,
    padding: 'same',
    use_bias: false,
    kernel_initializer: 'he_normal'
  });
  bn('stem_bn');
  relu6('stem_relu');
  let channels = divisible(32 * alpha);
  let block = 0;
  STAGES.forEach(([t, c, n, s], stage) => {
    const out = divisible(c * alpha);
    // Small inputs: the second stage keeps the resolution (the stem already did not reduce it).
    const first = stem === 'small' && stage === 1 ? 1 : s;
    for (let k = 0; k < n; k++) {
      const id = `block${block++}`;
      const strides = k === 0 ? first : 1;
      const input = b.last;
      if (t !== 1) {
        pointwise(`${id}_expand`, channels * t);
        bn(`${id}_expand_bn`);
        relu6(`${id}_expand_relu`);
      }
      b.add(`${id}_depthwise`, 'DepthwiseConv2D', {
        kernel_size: 3,
        strides,
        padding: 'same',
        use_bias: false,
        depthwise_initializer: 'he_normal'
      });
      bn(`${id}_depthwise_bn`);
      relu6(`${id}_depthwise_relu`);
      pointwise(`${id}_project`, out);
      const projected = bn(`${id}_project_bn`);
      if (strides === 1 && channels === out) b.add(`${id}_add`, 'Add', {}, [input, projected]);
      channels = out;
    }
  });
  pointwise('head_conv', alpha > 1 ? divisible(1280 * alpha) : 1280);
  bn('head_bn');
  relu6('head_relu');
  b.add('gap', 'GlobalAveragePooling2D', {});
  if (dropout > 0) b.add('dropout', 'Dropout', { rate: dropout });
  b.add('logits', 'Dense', { units: classes });
  return b.build('mobilenet_v2');
}
