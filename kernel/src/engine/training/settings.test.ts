import { resolveTraining } from './settings';
import { classWeights } from './train';
import { OPTIMIZERS } from './optimizers';

const NONE = {
  loss: { name: 'categorical_crossentropy', label_smoothing: 0 },
  augmentation: null,
  early_stopping: null,
  keep_best: null
};

test('defaults and explicit settings resolve to full training settings', () => {
  expect(resolveTraining()).toEqual({
    epochs: 5,
    batch_size: 32,
    learning_rate_decay: 0,
    class_weight: 'none',
    optimizer: { name: 'adam', lr: 1e-3, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
    ...NONE
  });
  expect(
    resolveTraining({
      epochs: 2,
      batch_size: 8,
      learning_rate_decay: 0.1,
      class_weight: 'balanced',
      optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 }
    })
  ).toEqual({
    epochs: 2,
    batch_size: 8,
    learning_rate_decay: 0.1,
    class_weight: 'balanced',
    optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 },
    ...NONE
  });
  expect(
    resolveTraining({
      class_weight: [1, 3],
      loss: 'focal',
      augmentation: { flip_horizontal: true, rotation: 10 },
      early_stopping: { metric: 'val_auc', patience: 2 },
      keep_best: 'val_auc'
    })
  ).toMatchObject({
    class_weight: [1, 3],
    loss: { name: 'focal', gamma: 2, alpha: 0.25 },
    augmentation: { flip_horizontal: true, flip_vertical: false, rotation: 10, shift: 0 },
    early_stopping: { metric: 'val_auc', patience: 2, min_delta: 0, mode: 'max' },
    keep_best: { metric: 'val_auc', mode: 'max' }
  });
});

test('every optimizer resolves with its own Keras defaults', () => {
  const resolved = Object.keys(OPTIMIZERS).map(
    name => resolveTraining({ optimizer: { name } }).optimizer
  );
  expect(resolved).toEqual([
    { name: 'sgd', lr: 0.01, momentum: 0 },
    { name: 'momentum', lr: 0.01, momentum: 0.9 },
    { name: 'adam', lr: 1e-3, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
    { name: 'adamax', lr: 1e-3, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
    { name: 'rmsprop', lr: 1e-3, rho: 0.9, momentum: 0, epsilon: 1e-7 },
    { name: 'adagrad', lr: 1e-3, initial_accumulator_value: 0.1 },
    { name: 'adadelta', lr: 1e-3, rho: 0.95, epsilon: 1e-7 }
  ]);
});

test.each([
  [{ batch_size: 0 }, 'training: batch_size must be an integer >= 1 (got 0)'],
  [{ learning_rate_decay: 1 }, 'training: learning_rate_decay must be in [0, 1) (got 1)'],
  [
    { class_weight: 'auto' },
    "training: class_weight must be 'none', 'balanced' or one weight >= 0 per class (got \"auto\")"
  ],
  [
    { optimizer: { name: 'adam', beta_1: 1 } },
    'training: optimizer adam: beta_1 must be in [0, 1) (got 1)'
  ],
  [
    { optimizer: { name: 'sgd', lr: 0.1, nestorov: true } },
    "training: optimizer sgd: unknown parameter 'nestorov' (known: lr, momentum, nesterov)"
  ],
  [
    { optimizer: { name: 'adam', amsgrad: true } },
    'training: optimizer adam: amsgrad is not available with the tfjs backends'
  ],
  [
    { optimizer: { name: 'lamb' } },
    'training: optimizer must be one of sgd, momentum, adam, adamax, rmsprop, adagrad, adadelta (got "lamb")'
  ],
  [
    { loss: 'mse' },
    'training: loss must be one of categorical_crossentropy, binary_crossentropy, focal (got "mse")'
  ],
  [{ augmentation: { zoom: 0.1 } }, "training: augmentation: unknown parameter 'zoom'"],
  [
    { early_stopping: { metric: 'val_acc' } },
    'training: early_stopping: metric must be one of val_loss'
  ],
  [
    { early_stopping: { patience: -1 } },
    'training: early_stopping: patience must be an integer >= 0 (got -1)'
  ],
  [{ epoch: 3 }, "training: unknown setting 'epoch'"]
])('%j is refused', (settings, message) => {
  expect(() => resolveTraining(settings)).toThrow(message);
});

test('balanced class weights make every class weigh the same in total', () => {
  const labels = Int32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
  const w = classWeights(labels, 2, 'balanced');
  expect(Array.from(w)).toEqual([5, 10 / 18].map(Math.fround));
  expect(1 * w[0]).toBeCloseTo(9 * w[1], 5);
  expect(Array.from(classWeights(labels, 2, 'none'))).toEqual([1, 1]);
  expect(Array.from(classWeights(labels, 2, [2, 0.5]))).toEqual([2, 0.5]);
  expect(() => classWeights(labels, 3, [1, 2])).toThrow('class_weight has 2 weights for 3 classes');
  // A class missing from the training data gets weight 0 rather than Infinity.
  expect(Array.from(classWeights(labels, 3, 'balanced'))[2]).toBe(0);
});
