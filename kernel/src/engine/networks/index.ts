/** Networks: built-in network documents (backend-neutral) by name. */
import type { NetworkDocument } from '../../../../schema/documents';
import { smallCnn, type SmallCnnOptions } from './small_cnn';

export type { SmallCnnOptions };

const BUILTINS = {
  small_cnn: {
    description: 'Conv-BN-ReLU-MaxPool blocks, global average pooling, Dense logits.',
    make: smallCnn
  }
};

export type BuiltinNetwork = keyof typeof BUILTINS;

/** The document of a built-in network, e.g. builtin('small_cnn', { classes: 2 }). */
export function builtin(name: BuiltinNetwork, options: SmallCnnOptions): NetworkDocument {
  const spec = BUILTINS[name];
  if (!spec) {
    throw new Error(
      `unknown built-in network '${String(name)}' (available: ${Object.keys(BUILTINS).join(', ')})`
    );
  }
  return spec.make(options);
}

/** Names and descriptions of the built-in networks. */
export function list(): { name: string; description: string }[] {
  return Object.entries(BUILTINS).map(([name, s]) => ({ name, description: s.description }));
}

export { listLayers as layers } from './layers/registry';
export { validateNetwork as validate } from './validate';
