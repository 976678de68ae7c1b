/**
 * Grad-CAM (Selvaraju et al. 2017): where in an image a convolutional classifier looked for a
 * class. The gradient of the class logit with respect to a convolutional layer's activations,
 * averaged over space, weighs that layer's feature maps; their ReLU'd sum, upsampled to the
 * image and scaled to [0, 1], is the heatmap.
 *
 * The gradient with respect to an inner layer is taken by adding a zero tensor to that layer's
 * output during one forward pass and differentiating with respect to it; this works for any
 * DAG (residual connections included) without rebuilding the model.
 */
import { tf } from '../backend';

export interface GradCamOptions {
  /** Layer whose activations are used; default: the last layer with an image-shaped output. */
  layer?: string;
  /** Class explained, per image (or one for all); default: the predicted class. */
  classIndex?: number | number[];
}

export interface GradCamResult {
  /** N heatmaps of H × W values in [0, 1], row-major, at the input resolution. */
  heatmaps: Float32Array[];
  height: number;
  width: number;
  layer: string;
  /** The explained class of each image. */
  classes: number[];
  /** Class probabilities (softmax of the logits) per image. */
  probabilities: number[][];
}

/** The last layer whose output is image-shaped (batch, h, w, c) with h·w > 1. */
export function lastConvLayer(model: tf.LayersModel): string {
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const s = model.layers[i].outputShape as (number | null)[];
    if (!Array.isArray(s[0]) && s.length === 4 && (s[1] ?? 0) * (s[2] ?? 0) > 1) {
      return model.layers[i].name;
    }
  }
  throw new Error('grad-cam: the model has no layer with an image-shaped output');
}

type Callable = { call: (inputs: tf.Tensor | tf.Tensor[], kwargs: object) => tf.Tensor };

export function gradCam(
  model: tf.LayersModel,
  images: tf.Tensor4D,
  options: GradCamOptions = {}
): GradCamResult {
  const name = options.layer ?? lastConvLayer(model);
  const layer = model.getLayer(name) as unknown as Callable;
  const outShape = model.getLayer(name).outputShape as (number | null)[];
  if (outShape.length !== 4) {
    throw new Error(
      `grad-cam: layer ${name} has output shape (${outShape.join(', ')}); it needs an image-shaped (4D) output`
    );
  }
  const [n, height, width] = images.shape;
  const probs = tf.tidy(() => tf.softmax(model.predict(images) as tf.Tensor2D));
  const probabilities = probs.arraySync() as number[][];
  probs.dispose();
  const classes = Array.from({ length: n }, (_, i) => {
    const c = options.classIndex;
    if (c === undefined) return probabilities[i].indexOf(Math.max(...probabilities[i]));
    return Array.isArray(c) ? c[i] : c;
  });
  const k = probabilities[0].length;
  classes.forEach(c => {
    if (!Number.isInteger(c) || c < 0 || c >= k) {
      throw new Error(`grad-cam: class index ${c} is not one of the model's ${k} classes`);
    }
  });

  const original = layer.call;
  let activations: tf.Tensor4D | undefined;
  const cams = tf.tidy(() => {
    const zero = tf.zeros([n, outShape[1]!, outShape[2]!, outShape[3]!]);
    const select = tf.oneHot(tf.tensor1d(classes, 'int32'), k);
    layer.call = function (this: unknown, inputs, kwargs) {
      const out = original.call(this, inputs, kwargs);
      activations = tf.keep(out.clone()) as tf.Tensor4D;
      return tf.add(out, zeroRef!);
    };
    let zeroRef: tf.Tensor | undefined;
    let grads: tf.Tensor4D;
    try {
      grads = tf.grad((z: tf.Tensor) => {
        zeroRef = z;
        const logits = model.apply(images, { training: false }) as tf.Tensor2D;
        return tf.sum(tf.mul(logits, select));
      })(zero) as tf.Tensor4D;
    } finally {
      layer.call = original;
    }
    const alpha = tf.mean(grads, [1, 2], true); // n × 1 × 1 × c
    const cam = tf.relu(tf.sum(tf.mul(activations!, alpha), -1, true)); // n × h' × w' × 1
    const up = tf.image.resizeBilinear(cam as tf.Tensor4D, [height, width]);
    const max = tf.max(up, [1, 2, 3], true);
    return tf.div(up, tf.maximum(max, 1e-12)).reshape([n, height * width]);
  });
  activations?.dispose();
  const data = cams.dataSync();
  cams.dispose();
  const heatmaps = Array.from({ length: n }, (_, i) =>
    Float32Array.from(data.subarray(i * height * width, (i + 1) * height * width), v =>
      Math.min(1, Math.max(0, v))
    )
  );
  return { heatmaps, height, width, layer: name, classes, probabilities };
}
