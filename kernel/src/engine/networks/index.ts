/** Networks: built-in network documents (backend-neutral) by name. */
import type { NetworkDocument } from '../../../../schema/documents';
import { mobilenetV2, type MobileNetV2Options } from './mobilenet_v2';
import { resnet18, type ResNetOptions } from './resnet';
import { smallCnn, type SmallCnnOptions } from './small_cnn';
import { vgg, type VggOptions } from './vgg';

export type { SmallCnnOptions, VggOptions, ResNetOptions, MobileNetV2Options };

const BUILTINS = {
  small_cnn: {
    description: 'Conv-BN-ReLU-MaxPool blocks, global average pooling, Dense logits.',
    make: smallCnn
  },
  vgg: {
    description:
      'VGG-style: blocks of 3×3 Conv-BN-ReLU pairs and max-pooling, then Flatten, Dense, Dropout, Dense.',
    make: vgg
  },
  resnet18: {
    description:
      'ResNet-18 with a 3×3 stride-1 stem and no max-pool for small (28–64 px) images; 11.2 M weights.',
    make: resnet18
  },
  mobilenet_v2: {
    description:
      'MobileNetV2: inverted residual blocks with depthwise convolutions, stride-1 stem for small images; 2.2 M weights.',
    make: mobilenetV2
  }
};

/** Options of each built-in network, by name. */
export interface BuiltinOptions {
  small_cnn: SmallCnnOptions;
  vgg: VggOptions;
  resnet18: ResNetOptions;
  mobilenet_v2: MobileNetV2Options;
}

export type BuiltinNetwork = keyof typeof BUILTINS;

/** The document of a built-in network, e.g. builtin('resnet18', { classes: 2 }). */
export function builtin<N extends BuiltinNetwork>(
  name: N,
  options: BuiltinOptions[N]
): NetworkDocument {
  const spec = BUILTINS[name];
  if (!spec) {
    throw new Error(
      `unknown built-in network '${String(name)}' (available: ${Object.keys(BUILTINS).join(', ')})`
    );
  }
  return (spec.make as (o: BuiltinOptions[N]) => NetworkDocument)(options);
}

/** Names and descriptions of the built-in networks. */
export function list(): { name: string; description: string }[] {
  return Object.entries(BUILTINS).map(([name, s]) => ({ name, description: s.description }));
}

export { listLayers as layers } from './layers/registry';
export { validateNetwork as validate } from './validate';
