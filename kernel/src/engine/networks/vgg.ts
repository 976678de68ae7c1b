/**
 * A VGG-style network (Simonyan & Zisserman 2015) sized for small images: blocks of
 * `convs_per_block` × (3×3 Conv2D → BatchNormalization → ReLU) followed by 2×2 max-pooling,
 * filters doubling per block (capped at 512), then Flatten → Dense → ReLU → Dropout → Dense.
 */
import type { NetworkDocument } from '../../../../schema/documents';
import { checkClasses, checkInt, NetworkBuilder } from './builder';

export interface VggOptions {
  classes: number;
  /** [H, W, C]; leave it out to take the shape of the pipeline's processed images. */
  inputShape?: [number, number, number];
  /** Filters of the first block (default 32); each further block doubles them, up to 512. */
  filters?: number;
  /** Number of conv blocks, each ending in a 2×2 max-pool (default 3: 28 → 14 → 7 → 3). */
  blocks?: number;
  /** 3×3 convolutions per block (default 2). */
  convs_per_block?: number;
  /** Units of the hidden Dense layer (default 256). */
  dense_units?: number;
  /** Dropout rate after the hidden Dense layer (default 0.5). */
  dropout?: number;
}

export function vgg(options: VggOptions): NetworkDocument {
  const { classes, filters = 32, blocks = 3, convs_per_block = 2 } = options;
  const { dense_units = 256, dropout = 0.5 } = options;
  checkClasses('vgg', classes);
  checkInt('vgg', 'blocks', blocks, 1, 6);
  checkInt('vgg', 'convs_per_block', convs_per_block, 1, 4);
  checkInt('vgg', 'filters', filters, 1, 512);
  checkInt('vgg', 'dense_units', dense_units, 1, 65536);
  const b = new NetworkBuilder(options.inputShape);
  for (let k = 1; k <= blocks; k++) {
    for (let c = 1; c <= convs_per_block; c++) {
      b.add(`b${k}_conv${c}`, 'Conv2D', {
        filters: Math.min(512, filters * 2 ** (k - 1)),
        kernel_size: 3,
        padding: 'same',
        use_bias: false,
        kernel_initializer: 'he_normal'
      });
      b.add(`b${k}_bn${c}`, 'BatchNormalization', { momentum: 0.9 });
      b.add(`b${k}_relu${c}`, 'Activation', { activation: 'relu' });
    }
    b.add(`b${k}_pool`, 'MaxPooling2D', { pool_size: 2 });
  }
  b.add('flatten', 'Flatten', {});
  b.add('fc', 'Dense', { units: dense_units, activation: 'relu', kernel_initializer: 'he_normal' });
  if (dropout > 0) b.add('dropout', 'Dropout', { rate: dropout });
  b.add('logits', 'Dense', { units: classes });
  return b.build('vgg');
}
