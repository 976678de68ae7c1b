import type { TrainingEpochPoint, TrainingViewState } from '../../schema/views';
import {
  bestEpoch,
  confusionCells,
  lossSeries,
  metricSeries,
  progress,
  readTrainingBundle,
  readTrainingState
} from './model';

function epoch(n: number, loss: number, valLoss: number): TrainingEpochPoint {
  return {
    epoch: n,
    loss,
    val_loss: valLoss,
    val_accuracy: 0.5 + n / 10,
    val_auc: 0.6 + n / 10,
    val_sensitivity: 0.7,
    val_specificity: 0.8,
    val_f1: 0.75,
    learning_rate: 1e-3,
    seconds: 1,
    images_per_second: 100,
    per_class: [
      { class: 'normal', sensitivity: 0.8, specificity: 0.7, f1: 0.7, auc: 0.9 },
      { class: 'pneumonia', sensitivity: 0.7 + n / 100, specificity: 0.8, f1: 0.75, auc: 0.9 }
    ]
  };
}

function state(over: Partial<TrainingViewState> = {}): TrainingViewState {
  return {
    version: 1,
    pipeline: 'p',
    network: 'small_cnn',
    dataset: 'pneumoniamnist',
    classes: ['normal', 'pneumonia'],
    epochs: 4,
    status: 'running',
    history: [epoch(1, 0.7, 0.6), epoch(2, 0.5, 0.55)],
    ...over
  };
}

test('loss series: train solid, validation dashed, x = epochs', () => {
  expect(lossSeries(state())).toEqual([
    { name: 'train loss', x: [1, 2], y: [0.7, 0.5] },
    { name: 'val loss', x: [1, 2], y: [0.6, 0.55], dash: true }
  ]);
});

test('metric series: the headline value, or one line per class', () => {
  expect(metricSeries(state(), 'auc', false)).toEqual([
    { name: 'val auc', x: [1, 2], y: [0.7, 0.8], dash: true }
  ]);
  const perClass = metricSeries(state(), 'sensitivity', true);
  expect(perClass.map(s => s.name)).toEqual(['normal sensitivity', 'pneumonia sensitivity']);
  expect(perClass[1].y).toEqual([0.71, 0.72]);
  // Accuracy has no per-class value: the headline line stays.
  expect(metricSeries(state(), 'accuracy', true).map(s => s.name)).toEqual(['val accuracy']);
});

test('progress counts finished epochs and the running batch', () => {
  expect(progress(state())).toEqual({ fraction: 0.5, epoch: 2 });
  expect(progress(state({ batch: { epoch: 3, batch: 2, batches: 4, loss: 0.4 } }))).toEqual({
    fraction: 2.5 / 4,
    epoch: 3
  });
  expect(progress(state({ status: 'done' })).fraction).toBe(1);
});

test('confusion cells carry the share of their true class; best epoch by val loss', () => {
  expect(
    confusionCells([
      [3, 1],
      [0, 0]
    ])
  ).toEqual([
    [
      { count: 3, share: 0.75 },
      { count: 1, share: 0.25 }
    ],
    [
      { count: 0, share: 0 },
      { count: 0, share: 0 }
    ]
  ]);
  expect(bestEpoch(state())!.epoch).toBe(2);
  expect(bestEpoch(state({ history: [] }))).toBeUndefined();
});

test('malformed states are refused with the reason', () => {
  expect(readTrainingState(state())).toEqual({ ok: true, value: state() });
  expect(readTrainingBundle({ state: state(), live: { target: 't', id: '1' } }).ok).toBe(true);
  expect(readTrainingState({ ...state(), status: 'exploded' })).toEqual({
    ok: false,
    reason: 'unknown status "exploded"'
  });
  expect(readTrainingState({ ...state(), history: [{ epoch: '1' }] }).ok).toBe(false);
  const final = { split: 'test', metrics: {}, confusion: [[1]], roc: [], gradcam: [] };
  expect(readTrainingState({ ...state(), final }).ok).toBe(true);
  const injected = { ...final, gradcam: [{ png: '"><script>alert(1)</script>' }] };
  expect(readTrainingState({ ...state(), final: injected })).toEqual({
    ok: false,
    reason: 'the final evaluation is malformed'
  });
  expect(readTrainingBundle('nope')).toEqual({
    ok: false,
    reason: 'the output data is not an object'
  });
});
