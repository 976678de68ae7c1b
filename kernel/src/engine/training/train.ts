/**
 * Supervised training of a classification network on in-memory tensors: seeded shuffling and
 * augmentation each epoch, losses from logits with class weights, regularization penalties,
 * validation every epoch (all metrics, per class), early stopping, keeping the best epoch, a
 * final test evaluation, progress callbacks, and cancellation between batches.
 */
import type { NetworkDocument } from '../../../../schema/documents';
import { tf } from '../backend';
import { resolveSignal, throwIfCancelled } from '../cancel';
import { classificationMetrics, type ClassificationMetrics } from '../metrics/classification';
import { compileTfjs, untrainableLayers } from '../networks/compile-tfjs';
import { InferenceRunner } from '../networks/inference-tfjs';
import { deriveSeed, seededRandom, shuffleInPlace, type Rng } from '../util/random';
import { augmentBatch } from './augment';
import { assertBatchFits } from './memory';
import { perSampleLoss, scores } from './losses';
import { makeOptimizer, setLearningRate } from './optimizers';
import type { AugmentationSettings, LossSettings, Monitor, ResolvedTraining } from './settings';

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
  val_sensitivity: number;
  val_specificity: number;
  val_ppv: number;
  val_npv: number;
  val_f1: number;
  /** All validation metrics of the epoch: per class, with the confusion matrix. */
  val: ClassificationMetrics;
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
  /** Epoch whose weights the model has (the best one with keep_best, else the last). */
  best_epoch: number;
  /** Epoch after which early stopping ended training, or null when all epochs ran. */
  stopped_epoch: number | null;
}

/** Copies the given items into one batch tensor pair (images, one-hot labels), augmented. */
function batchTensors(
  split: TensorSplit,
  items: ArrayLike<number>,
  classes: number,
  augment?: { settings: AugmentationSettings; rng: Rng } | null
) {
  const size = split.shape[0] * split.shape[1] * split.shape[2];
  const x = new Float32Array(items.length * size);
  const y = new Float32Array(items.length * classes);
  for (let b = 0; b < items.length; b++) {
    const i = items[b];
    x.set(split.x.subarray(i * size, (i + 1) * size), b * size);
    y[b * classes + split.labels[i]] = 1;
  }
  if (augment) augmentBatch(x, items.length, split.shape, augment.settings, augment.rng);
  return {
    x: tf.tensor4d(x, [items.length, ...split.shape]),
    y: tf.tensor2d(y, [items.length, classes])
  };
}

/** Loss weight per class: 1 each, n / (k · count) for 'balanced', or the given weights. */
export function classWeights(
  labels: Int32Array,
  k: number,
  mode: ResolvedTraining['class_weight']
): Float32Array {
  if (Array.isArray(mode)) {
    if (mode.length !== k) {
      throw new Error(`training: class_weight has ${mode.length} weights for ${k} classes`);
    }
    return Float32Array.from(mode);
  }
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
  batchSize = 256,
  loss: LossSettings = { name: 'categorical_crossentropy', label_smoothing: 0 }
): Promise<{ probs: Float32Array; loss: number }> {
  const n = split.labels.length;
  const probs = new Float32Array(n * classes);
  let lossSum = 0;
  // BatchNormalization folded into the convolutions, with the weights as they are now.
  const runner = new InferenceRunner(model);
  try {
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      const items = Int32Array.from({ length: count }, (_, k) => start + k);
      const { x, y } = batchTensors(split, items, classes);
      const [p, l] = tf.tidy(() => {
        // One pass for the whole chunk (predict's default splits it into batches of 32).
        const logits = runner.predict(x);
        return [scores(loss, logits), tf.sum(perSampleLoss(loss, y, logits))];
      });
      probs.set(await p.data(), start * classes);
      lossSum += (await l.data())[0];
      tf.dispose([x, y, p, l]);
    }
  } finally {
    runner.dispose();
  }
  return { probs, loss: n > 0 ? lossSum / n : NaN };
}

export async function evaluate(
  model: tf.LayersModel,
  split: TensorSplit,
  classes: string[],
  positiveClass: number,
  lossSettings?: LossSettings
): Promise<ClassificationMetrics> {
  const { probs, loss } = await predictSplit(model, split, classes.length, 256, lossSettings);
  return { ...classificationMetrics(split.labels, probs, classes, positiveClass), loss };
}

/** The value of a monitored metric in an epoch record. */
function monitored(record: EpochRecord, metric: Monitor): number {
  return record[metric];
}

function improves(value: number, best: number, mode: 'min' | 'max', minDelta = 0): boolean {
  if (Number.isNaN(value)) return false;
  return mode === 'min' ? value < best - minDelta : value > best + minDelta;
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
  try {
    assertBatchFits(
      model,
      Math.min(settings.batch_size, train.labels.length),
      tf.getBackend(),
      options.network.name
    );
  } catch (error) {
    model.dispose();
    throw error;
  }
  const optimizer = makeOptimizer(settings.optimizer);
  const vars = model.trainableWeights.map(w => w.read() as tf.Variable);
  const rng = seededRandom(deriveSeed(options.seed, 'shuffle'));
  const history: EpochRecord[] = [];
  const n = train.labels.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const batches = Math.ceil(n / settings.batch_size);
  const weights = classWeights(train.labels, k, settings.class_weight);
  const weighted = settings.class_weight !== 'none';
  const stop = settings.early_stopping;
  const keep = settings.keep_best;
  let stopBest = stop?.mode === 'min' ? Infinity : -Infinity;
  let sinceImproved = 0;
  let keepBest = keep?.mode === 'min' ? Infinity : -Infinity;
  let bestWeights: tf.Tensor[] | undefined;
  let bestEpoch = 0;
  let bestMetrics: ClassificationMetrics | undefined;
  let stoppedEpoch: number | null = null;
  let trainSeconds = 0;
  let valMetrics: ClassificationMetrics | undefined;
  try {
    for (let epoch = 1; epoch <= settings.epochs; epoch++) {
      const lr = settings.optimizer.lr * (1 - settings.learning_rate_decay) ** (epoch - 1);
      setLearningRate(optimizer, lr);
      const started = performance.now();
      shuffleInPlace(order, rng);
      // Augmentation draws from its own per-epoch stream: changing it leaves the shuffle alone.
      const augRng = seededRandom(deriveSeed(options.seed, `augment:${epoch}`));
      let lossSum = 0;
      for (let b = 0; b < batches; b++) {
        throwIfCancelled(signal, 'training');
        const items = order.subarray(b * settings.batch_size, (b + 1) * settings.batch_size);
        const { x, y } = batchTensors(
          train,
          items,
          k,
          settings.augmentation && {
            settings: settings.augmentation,
            rng: augRng
          }
        );
        const w = weighted
          ? tf.tensor1d(Float32Array.from(items, i => weights[train.labels[i]]))
          : undefined;
        const cost = optimizer.minimize(
          () => {
            const logits = model.apply(x, { training: true }) as tf.Tensor;
            const perSample = perSampleLoss(settings.loss, y, logits);
            // With weights: the weighted mean (sum of w·loss over the sum of w), as Keras.
            const data = w ? tf.div(tf.sum(tf.mul(perSample, w)), tf.sum(w)) : tf.mean(perSample);
            // Kernel/bias regularizer penalties of the layers.
            const penalties = model.calculateLosses();
            return (penalties.length > 0 ? tf.addN([data, ...penalties]) : data) as tf.Scalar;
          },
          true,
          vars
        );
        const loss = (await cost!.data())[0];
        tf.dispose(w ? [x, y, w, cost!] : [x, y, cost!]);
        lossSum += loss * items.length;
        options.onBatch?.({ epoch, batch: b + 1, batches, loss });
        // Yield to the event loop between batches: without it, messages that arrive while a
        // cell trains (a live view's Stop, its comm opening) wait until training has ended.
        await new Promise<void>(resolve => setImmediate(resolve));
      }
      const trainTime = (performance.now() - started) / 1000;
      trainSeconds += trainTime;
      throwIfCancelled(signal, 'training');
      valMetrics = await evaluate(model, val, classes, positiveClass, settings.loss);
      const record: EpochRecord = {
        epoch,
        loss: lossSum / n,
        val_loss: valMetrics.loss!,
        val_accuracy: valMetrics.accuracy,
        val_auc: valMetrics.auc,
        seconds: (performance.now() - started) / 1000,
        images_per_second: n / trainTime,
        learning_rate: lr,
        val_sensitivity: valMetrics.sensitivity,
        val_specificity: valMetrics.specificity,
        val_ppv: valMetrics.ppv,
        val_npv: valMetrics.npv,
        val_f1: valMetrics.f1,
        val: valMetrics
      };
      history.push(record);
      options.onEpoch?.(record, valMetrics);
      if (keep && improves(monitored(record, keep.metric), keepBest, keep.mode)) {
        keepBest = monitored(record, keep.metric);
        tf.dispose(bestWeights);
        // getWeights() hands out the live variables: clone to keep this epoch's values.
        bestWeights = model.getWeights().map(t => t.clone());
        bestEpoch = epoch;
        bestMetrics = valMetrics;
      }
      if (stop) {
        if (improves(monitored(record, stop.metric), stopBest, stop.mode, stop.min_delta)) {
          stopBest = monitored(record, stop.metric);
          sinceImproved = 0;
        } else if (++sinceImproved >= stop.patience) {
          stoppedEpoch = epoch;
          break;
        }
      }
    }
    if (bestWeights) {
      model.setWeights(bestWeights);
      valMetrics = bestMetrics;
    } else {
      bestEpoch = history.length;
    }
    const test = options.test
      ? await evaluate(model, options.test, classes, positiveClass, settings.loss)
      : undefined;
    return {
      model,
      history,
      metrics: { val: valMetrics!, test },
      seconds: trainSeconds,
      images_per_second: (n * history.length) / trainSeconds,
      best_epoch: bestEpoch,
      stopped_epoch: stoppedEpoch
    };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose(bestWeights);
    optimizer.dispose();
  }
}
