/**
 * ResNet-18 (He et al. 2016) as a network document. The default 'small' stem is the one used
 * for 28×28–64×64 images (CIFAR, MedMNIST): a 3×3 stride-1 convolution and no max-pooling, so
 * a 28×28 image keeps 28×28 → 14 → 7 → 4 resolution through the four stages. 'imagenet' is the
 * original 7×7 stride-2 stem with a 3×3 max-pool, for 224×224 inputs.
 */
import type { NetworkDocument } from '../../../../schema/documents';
import { checkClasses, checkInt, NetworkBuilder } from './builder';

export interface ResNetOptions {
  classes: number;
  /** [H, W, C]; leave it out to take the shape of the pipeline's processed images. */
  inputShape?: [number, number, number];
  /** Filters of the first stage (64 in the paper); stages double them. */
  width?: number;
  /** 'small' (3×3 stride 1, no pooling; default) or 'imagenet' (7×7 stride 2 + max-pool). */
  stem?: 'small' | 'imagenet';
  /** Basic blocks per stage; [2, 2, 2, 2] is ResNet-18, [3, 4, 6, 3] ResNet-34. */
  blocks?: number[];
}

export function resnet18(options: ResNetOptions): NetworkDocument {
  const { classes, width = 64, stem = 'small', blocks = [2, 2, 2, 2] } = options;
  checkClasses('resnet18', classes);
  checkInt('resnet18', 'width', width, 1, 1024);
  const b = new NetworkBuilder(options.inputShape);
  const conv = (id: string, filters: number, k: number, strides: number, input?: string) =>
    b.add(
      id,
      'Conv2D',
      {
        filters,
        kernel_size: k,
        strides,
        padding: 'same',
        use_bias: false,
        kernel_initializer: 'he_normal'
      },
      input === undefined ? undefined : [input]
    );
  const bn = (id: string) => b.add(id, 'BatchNormalization', { momentum: 0.9, epsilon: 1e-5 });
  const relu = (id: string) => b.add(id, 'Activation', { activation: 'relu' });

  if (stem === 'imagenet') {
    conv('stem_conv', width, 7, 2);
    bn('stem_bn');
    relu('stem_relu');
    b.add('stem_pool', 'MaxPooling2D', { pool_size: 3, strides: 2, padding: 'same' });
  } else {
    conv('stem_conv', width, 3, 1);
    bn('stem_bn');
    relu('stem_relu');
  }
  let channels = width;
  blocks.forEach((n, s) => {
    const filters = width * 2 ** s;
    for (let k = 0; k < n; k++) {
      const id = `s${s + 1}b${k + 1}`;
      const strides = s > 0 && k === 0 ? 2 : 1;
      const input = b.last;
      conv(`${id}_conv1`, filters, 3, strides);
      bn(`${id}_bn1`);
      relu(`${id}_relu1`);
      conv(`${id}_conv2`, filters, 3, 1);
      const main = bn(`${id}_bn2`);
      let shortcut = input;
      if (strides !== 1 || channels !== filters) {
        // Projection shortcut: 1×1 convolution to the new shape.
        conv(`${id}_proj`, filters, 1, strides, input);
        shortcut = bn(`${id}_proj_bn`);
      }
      b.add(`${id}_add`, 'Add', {}, [main, shortcut]);
      relu(`${id}_relu2`);
      channels = filters;
    }
  });
  b.add('gap', 'GlobalAveragePooling2D', {});
  b.add('logits', 'Dense', { units: classes });
  return b.build('resnet18');
}
