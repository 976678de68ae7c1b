/**
 * Activation layer whose relu6 is the backend's one Relu6 kernel. tfjs-layers computes relu6 as
 * minimum(6, relu(x)): two passes, and on wasm the scalar-broadcast Minimum is slow (~7 ms for
 * 32×28×28×144; relu6 was a third of MobileNetV2's inference time). tf.relu6 is one XNNPACK
 * clamp with its own gradient. The class keeps tfjs-layers' name and config, so saved models
 * load as a plain Activation; other activations are tfjs-layers' own.
 */
import { tf } from '../backend';

type Kwargs = Record<string, unknown>;
type LayerClass = new (args: object) => tf.layers.Layer;

/** tfjs-layers' Activation class, from the public serialization registry. */
function stockActivation(): LayerClass {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap.Activation;
  if (entry == null) throw new Error('tfjs-layers Activation is not registered');
  return entry[0] as unknown as LayerClass;
}

const Stock = stockActivation();

export class FastActivation extends Stock {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const fn = (this as unknown as { activation: { getClassName(): string } }).activation;
    if (fn.getClassName() !== 'relu6') return super.call(inputs, kwargs);
    return tf.relu6(Array.isArray(inputs) ? inputs[0] : inputs);
  }
}
