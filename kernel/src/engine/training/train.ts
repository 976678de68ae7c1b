/**
 * Supervised training of a classification network on in-memory tensors: seeded shuffling
 * each epoch, softmax cross-entropy from logits, validation every epoch, a final test
 * evaluation, progress callbacks, and cancellation between batches.
 */
import type { NetworkDocument } from '../../../../schema/documents';
import { tf } from '../backend';
import { resolveSignal, throwIfCancelled } from '../cancel';
import { classificationMetrics, type ClassificationMetrics } from '../metrics/classification';
import { compileTfjs, untrainableLayers } from '../networks/compile-tfjs';
import { deriveSeed, seededRandom, shuffleInPlace } from '../util/random';
import type { ResolvedTraining } from './settings';

/** Images of one split as one float32 block (N × H × W × C) and integer labels. */
export interface TensorSplit {
  x: Float32Array;
  /** Shape of one image, [H, W, C]. */
  shape: [number, number, number];
  labels: Int32Array;
}

export interface BatchEvent {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
}

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  val_loss: number;
  val_accuracy: number;
  val_auc: number;
  /** Seconds the epoch took (training and validation). */
  seconds: number;
  /** Training throughput of the epoch. */
  images_per_second: number;
  learning_rate: number;
}

export interface TrainOptions {
  network: NetworkDocument;
  settings: ResolvedTraining;
  seed: number;
  classes: string[];
  positiveClass: number;
  train: TensorSplit;
  val: TensorSplit;
  test?: TensorSplit;
  signal?: AbortSignal;
  onBatch?: (event: BatchEvent) => void;
  onEpoch?: (record: EpochRecord, metrics: ClassificationMetrics) => void;
}

export interface TrainResult {
  model: tf.LayersModel;
  history: EpochRecord[];
  metrics: { val: ClassificationMetrics; test?: ClassificationMetrics };
  /** Seconds spent training (excluding the final test evaluation). */
  seconds: number;
  /** Training images per second over all epochs (forward + backward + update). */
  images_per_second: number;
}

function makeOptimizer(s: ResolvedTraining['optimizer']): tf.Optimizer {
  return s.name === 'adam'
    ? tf.train.adam(s.lr, s.beta_1, s.beta_2, s.epsilon)
    : s.momentum > 0
      ? tf.train.momentum(s.lr, s.momentum)
      : tf.train.sgd(s.lr);
}

function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  // Adam reads its (protected) learningRate field on every step; SGD caches a scalar.
  const o = optimizer as unknown as {
    learningRate: number;
    setLearningRate?: (lr: number) => void;
  };
  if (o.setLearningRate) o.setLearningRate(lr);
  else o.learningRate = lr;
}

/** Copies the given items into one batch tensor pair (images, one-hot labels). */
function batchTensors(split: TensorSplit, items: ArrayLike<number>, classes: number) {
  const size = split.shape[0] * split.shape[1] * split.shape[2];
  const x = new Float32Array(items.length * size);
  const y = new Float32Array(items.length * classes);
  for (let b = 0; b < items.length; b++) {
    const i = items[b];
    x.set(split.x.subarray(i * size, (i + 1) * size), b * size);
    y[b * classes + split.labels[i]] = 1;
  }
  return {
    x: tf.tensor4d(x, [items.length, ...split.shape]),
    y: tf.tensor2d(y, [items.length, classes])
  };
}

/** Loss weight per class: 1 each, or n / (k · count) for 'balanced'. */
export function classWeights(
  labels: Int32Array,
  k: number,
  mode: 'none' | 'balanced'
): Float32Array {
  const weights = new Float32Array(k).fill(1);
  if (mode === 'balanced') {
    const counts = new Array<number>(k).fill(0);
    for (const l of labels) counts[l]++;
    for (let c = 0; c < k; c++) weights[c] = counts[c] > 0 ? labels.length / (k * counts[c]) : 0;
  }
  return weights;
}

/** Class probabilities (N × K, row-major) and mean loss of a model on a split. */
export async function predictSplit(
  model: tf.LayersModel,
  split: TensorSplit,
  classes: number,
  batchSize = 256
): Promise<{ probs: Float32Array; loss: number }> {
  const n = split.labels.length;
  const probs = new Float32Array(n * classes);
  let lossSum = 0;
  for (let start = 0; start < n; start += batchSize) {
    const items = Int32Array.from({ length: Math.min(batchSize, n - start) }, (_, k) => start + k);
    const { x, y } = batchTensors(split, items, classes);
    const [p, l] = tf.tidy(() => {
      const logits = model.predict(x) as tf.Tensor;
      const loss = tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.SUM);
      return [tf.softmax(logits), loss];
    });
    probs.set(await p.data(), start * classes);
    lossSum += (await l.data())[0];
    tf.dispose([x, y, p, l]);
  }
  return { probs, loss: n > 0 ? lossSum / n : NaN };
}

export async function evaluate(
  model: tf.LayersModel,
  split: TensorSplit,
  classes: string[],
  positiveClass: number
): Promise<ClassificationMetrics> {
  const { probs, loss } = await predictSplit(model, split, classes.length);
  return { ...classificationMetrics(split.labels, probs, classes, positiveClass), loss };
}

export async function trainClassifier(options: TrainOptions): Promise<TrainResult> {
  const { settings, train, val, classes, positiveClass } = options;
  const signal = resolveSignal(options.signal);
  throwIfCancelled(signal, 'training');
  const k = classes.length;
  const untrainable = untrainableLayers(options.network);
  if (untrainable.length > 0) throw new Error(untrainable.join('\n'));
  const model = compileTfjs(options.network, {
    seed: deriveSeed(options.seed, 'init'),
    inputShape: train.shape
  });
  const outShape = model.outputs[0].shape;
  if (outShape[outShape.length - 1] !== k) {
    model.dispose();
    throw new Error(
      `network ${options.network.name} outputs ${outShape[outShape.length - 1]} values per image, ` +
        `but the dataset has ${k} classes: set classes: ${k} on the network`
    );
  }
  const optimizer = makeOptimizer(settings.optimizer);
  const vars = model.trainableWeights.map(w => w.read() as tf.Variable);
  const rng = seededRandom(deriveSeed(options.seed, 'shuffle'));
  const history: EpochRecord[] = [];
  const n = train.labels.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const batches = Math.ceil(n / settings.batch_size);
  const weights = classWeights(train.labels, k, settings.class_weight);
  let trainSeconds = 0;
  let valMetrics: ClassificationMetrics | undefined;
  try {
    for (let epoch = 1; epoch <= settings.epochs; epoch++) {
      const lr = settings.optimizer.lr * (1 - settings.learning_rate_decay) ** (epoch - 1);
      setLearningRate(optimizer, lr);
      const started = performance.now();
      shuffleInPlace(order, rng);
      let lossSum = 0;
      for (let b = 0; b < batches; b++) {
        throwIfCancelled(signal, 'training');
        const items = order.subarray(b * settings.batch_size, (b + 1) * settings.batch_size);
        const { x, y } = batchTensors(train, items, k);
        const w =
          settings.class_weight === 'none'
            ? undefined
            : tf.tensor1d(Float32Array.from(items, i => weights[train.labels[i]]));
        const cost = optimizer.minimize(
          () => {
            const logits = model.apply(x, { training: true }) as tf.Tensor;
            // With weights: the weighted mean (Reduction.MEAN divides by the sum of the weights).
            return tf.losses.softmaxCrossEntropy(
              y,
              logits,
              w,
              undefined,
              w ? tf.Reduction.MEAN : undefined
            ) as tf.Scalar;
          },
          true,
          vars
        );
        const loss = (await cost!.data())[0];
        tf.dispose(w ? [x, y, w, cost!] : [x, y, cost!]);
        lossSum += loss * items.length;
        options.onBatch?.({ epoch, batch: b + 1, batches, loss });
      }
      const trainTime = (performance.now() - started) / 1000;
      trainSeconds += trainTime;
      throwIfCancelled(signal, 'training');
      valMetrics = await evaluate(model, val, classes, positiveClass);
      const record: EpochRecord = {
        epoch,
        loss: lossSum / n,
        val_loss: valMetrics.loss!,
        val_accuracy: valMetrics.accuracy,
        val_auc: valMetrics.auc,
        seconds: (performance.now() - started) / 1000,
        images_per_second: n / trainTime,
        learning_rate: lr
      };
      history.push(record);
      options.onEpoch?.(record, valMetrics);
    }
    const test = options.test
      ? await evaluate(model, options.test, classes, positiveClass)
      : undefined;
    return {
      model,
      history,
      metrics: { val: valMetrics!, test },
      seconds: trainSeconds,
      images_per_second: (n * settings.epochs) / trainSeconds
    };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
}
