/**
 * Training behaviour on a small synthetic task: every optimizer learns, runs are reproducible
 * (dropout and augmentation included), early stopping and keeping the best epoch work.
 */
import { ensureBackend } from '../backend';
import { smallCnn } from '../networks/small_cnn';
import { resolveTraining } from './settings';
import { toySplit } from './toy';
import { trainClassifier, type TrainOptions } from './train';
import type { TrainingSettings } from '../../../../schema/documents';

beforeAll(async () => {
  await ensureBackend();
});

const train = toySplit(96, 12, 1);
const val = toySplit(64, 12, 2);

function options(settings: TrainingSettings, seed = 3): TrainOptions {
  return {
    network: smallCnn({ classes: 2, filters: 4, blocks: 2, dropout: 0.25 }),
    settings: resolveTraining({ epochs: 3, batch_size: 16, ...settings }),
    seed,
    classes: ['plain', 'patch'],
    positiveClass: 1,
    train,
    val
  };
}

test.each([
  ['sgd', 0.1],
  ['momentum', 0.05],
  ['adam', 0.01],
  ['adamax', 0.01],
  ['rmsprop', 0.003],
  ['adagrad', 0.05],
  ['adadelta', 1]
])('%s learns the toy task', async (name, lr) => {
  const r = await trainClassifier(options({ epochs: 4, optimizer: { name, lr } }));
  expect(r.history[3].loss).toBeLessThan(r.history[0].loss);
  expect(r.metrics.val.auc).toBeGreaterThan(0.8);
  r.model.dispose();
});

test('same seed → identical history with dropout, augmentation, focal loss and weights', async () => {
  const settings: TrainingSettings = {
    augmentation: { flip_horizontal: true, rotation: 10, shift: 0.1 },
    loss: 'focal',
    class_weight: [1, 2],
    optimizer: { name: 'adam', lr: 0.01 }
  };
  const strip = (h: { seconds: number; images_per_second: number }[]) =>
    h.map(({ seconds: _s, images_per_second: _i, ...rest }) => rest);
  const a = await trainClassifier(options(settings));
  const b = await trainClassifier(options(settings));
  const c = await trainClassifier(options(settings, 4));
  expect(strip(b.history)).toEqual(strip(a.history));
  expect(strip(c.history)).not.toEqual(strip(a.history));
  // Per-epoch validation metrics, per class.
  expect(a.history[0].val.perClass.map(m => m.class)).toEqual(['plain', 'patch']);
  expect(a.history[0].val_f1).toBe(a.history[0].val.f1);
  [a, b, c].forEach(r => r.model.dispose());
});

test('early stopping ends training after patience epochs without improvement', async () => {
  // An impossible min_delta: no epoch after the first counts as an improvement.
  const r = await trainClassifier(
    options({ epochs: 6, early_stopping: { metric: 'val_loss', min_delta: 100, patience: 2 } })
  );
  expect(r.history.map(h => h.epoch)).toEqual([1, 2, 3]);
  expect(r.stopped_epoch).toBe(3);
  r.model.dispose();
});

test('keep_best restores the weights of the best epoch', async () => {
  // A learning rate that makes training unstable, so the last epoch is not the best.
  const r = await trainClassifier(
    options({ epochs: 5, optimizer: { name: 'sgd', lr: 0.9 }, keep_best: 'val_loss' })
  );
  const losses = r.history.map(h => h.val_loss);
  const best = losses.indexOf(Math.min(...losses)) + 1;
  expect(r.best_epoch).toBe(best);
  expect(r.metrics.val.loss).toBe(losses[best - 1]);
  // The model really has that epoch's weights: evaluating again gives the same loss.
  const { evaluate } = await import('./train');
  const again = await evaluate(r.model, val, ['plain', 'patch'], 1);
  expect(again.loss).toBeCloseTo(losses[best - 1], 5);
  r.model.dispose();
});

test('per-epoch validation metrics are those of the epoch’s predictions, per class', async () => {
  const { predictSplit } = await import('./train');
  const { classificationMetrics } = await import('../metrics/classification');
  const r = await trainClassifier(options({ epochs: 2 }));
  const { probs, loss } = await predictSplit(r.model, val, 2);
  const last = r.history[1];
  expect(last.val).toEqual({
    ...classificationMetrics(val.labels, probs, ['plain', 'patch'], 1),
    loss
  });
  expect(last.val.perClass[0].sensitivity).toBe(last.val.specificity);
  expect(last.val.confusion.flat().reduce((a, b) => a + b, 0)).toBe(64);
  r.model.dispose();
});
