/**
 * Conv2D that lets tfjs skip gradients nobody asked for.
 *
 * tfjs-layers runs every 2-D convolution as tf.fused.conv2d, whose custom gradient always
 * computes the input gradient as well as the kernel's: for a network's first convolution,
 * whose input is the data, that is a whole Conv2DBackpropInput per training step thrown away
 * (3.9 ms of a 79 ms step of the benchmark CNN at 64×64 on wasm). A plain tf.conv2d has one
 * gradient function per input, and tfjs's tape leaves out those of inputs that do not lead
 * to a variable. Fusing only pays for a bias or an activation, so a convolution with neither
 * (the usual one before BatchNormalization) runs as tf.conv2d; the others, and saving and
 * loading, stay tfjs-layers' own (the class keeps its name and weights).
 *
 * On wasm such a convolution, when it is 3×3 with stride 1, 'same' padding and channels in
 * fours, runs forward and its input gradient by Winograd's F(4×4, 3×3) or F(2×2, 3×3), with 4×
 * or 2.25× fewer multiplications (../backend/wasm/winograd_conv.ts; 2.5-3× faster than
 * XNNPACK's direct convolution for the benchmark CNN's 16-64 channels).
 */
import { tf, winogradAvailable, winogradConv2dSame, winogradFits } from '../backend';

type Kwargs = Record<string, unknown>;

/**
 * The parts of tfjs-layers' Conv2D that this subclass and the inference folding
 * (./inference-tfjs.ts) read (private in its typings).
 */
export interface Conv2DState {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { getClassName(): string };
  strides: [number, number];
  padding: 'valid' | 'same' | 'causal';
  dataFormat: 'channelsFirst' | 'channelsLast';
  dilationRate: [number, number];
}

type LayerClass = new (args: object) => tf.layers.Layer;

/** tfjs-layers' Conv2D class, from the public serialization registry. */
function stockConv2D(): LayerClass {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap.Conv2D;
  if (entry == null) throw new Error('tfjs-layers Conv2D is not registered');
  return entry[0] as unknown as LayerClass;
}

const Stock = stockConv2D();

export class Conv2DLayer extends Stock {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const s = this as unknown as Conv2DState;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const plain =
      s.bias == null &&
      s.activation.getClassName() === 'linear' &&
      s.dataFormat === 'channelsLast' &&
      s.padding !== 'causal' &&
      (x.rank === 4 || x.rank === 3);
    if (!plain) return super.call(inputs, kwargs);
    const kernel = s.kernel.read() as tf.Tensor4D;
    if (
      x.rank === 4 &&
      s.padding === 'same' &&
      winogradFits(kernel.shape, s.strides, s.dilationRate) &&
      winogradAvailable()
    ) {
      return tf.tidy(() => winogradConv2dSame(x as tf.Tensor4D, kernel));
    }
    return tf.tidy(() =>
      tf.conv2d(
        x as tf.Tensor4D,
        s.kernel.read() as tf.Tensor4D,
        s.strides,
        s.padding as 'valid' | 'same',
        'NHWC',
        s.dilationRate
      )
    );
  }
}

// Models loaded from model.json (a saved run, a Keras export) get this class for 'Conv2D' too,
// so that a loaded model computes exactly what it computed before it was saved. Only the
// class map that loading reads: registerClass would also rename it 'Custom>Conv2D' in saves.
tf.serialization.SerializationMap.register(
  Conv2DLayer as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>
);
