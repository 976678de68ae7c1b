/**
 * Seeded dropout for tfjs. tfjs' own Dropout with a seed draws the same mask on every batch
 * (the seed is reused as is), and without a seed it is not reproducible. This layer draws a new
 * mask per training call from (seed, call number), so a run is reproducible and every batch
 * gets fresh noise. `spatial` drops whole channels (SpatialDropout2D: noise shape B×1×1×C).
 */
import { tf } from '../backend';

type Kwargs = { training?: boolean };

export interface SeededDropoutArgs {
  name: string;
  rate: number;
  seed: number;
  spatial: boolean;
}

export class SeededDropout extends tf.layers.Layer {
  static className = 'MedflowSeededDropout';
  private readonly rate: number;
  private readonly seed: number;
  private readonly spatial: boolean;
  private calls = 0;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    this.rate = args.rate;
    this.seed = args.seed;
    this.spatial = args.spatial;
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return x;
    // A different, reproducible seed per training call (i.e. per batch).
    const seed = (this.seed + Math.imul(++this.calls, 0x9e3779b1)) >>> 0;
    return tf.tidy(() => {
      const shape = this.spatial ? [x.shape[0], 1, 1, x.shape[x.rank - 1]] : x.shape;
      const keep = tf
        .randomUniform(shape, 0, 1, 'float32', seed)
        .greaterEqual(this.rate)
        .cast('float32')
        .div(1 - this.rate);
      return tf.mul(x, keep);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, spatial: this.spatial };
  }
}

tf.serialization.registerClass(SeededDropout);
