import { resolveTraining } from './settings';
import { classWeights } from './train';

test('defaults and explicit settings resolve to full training settings', () => {
  expect(resolveTraining()).toEqual({
    epochs: 5,
    batch_size: 32,
    learning_rate_decay: 0,
    class_weight: 'none',
    optimizer: { name: 'adam', lr: 1e-3, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 }
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
    optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 }
  });
});

test.each([
  [{ batch_size: 0 }, 'training: batch_size must be an integer >= 1 (got 0)'],
  [{ learning_rate_decay: 1 }, 'training: learning_rate_decay must be in [0, 1) (got 1)'],
  [{ class_weight: 'auto' }, "training: class_weight must be 'none' or 'balanced' (got \"auto\")"],
  [
    { optimizer: { name: 'adam', beta_1: 1 } },
    'training: optimizer adam: beta_1 must be in [0, 1) (got 1)'
  ],
  [
    { optimizer: { name: 'sgd', lr: 0.1, nesterov: true } },
    "training: optimizer sgd: unknown parameter 'nesterov' (known: lr, momentum)"
  ]
])('%j is refused', (settings, message) => {
  expect(() => resolveTraining(settings)).toThrow(message);
});

test('balanced class weights make every class weigh the same in total', () => {
  const labels = Int32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
  const w = classWeights(labels, 2, 'balanced');
  expect(Array.from(w)).toEqual([5, 10 / 18].map(Math.fround));
  expect(1 * w[0]).toBeCloseTo(9 * w[1], 5);
  expect(Array.from(classWeights(labels, 2, 'none'))).toEqual([1, 1]);
  // A class missing from the training data gets weight 0 rather than Infinity.
  expect(Array.from(classWeights(labels, 3, 'balanced'))[2]).toBe(0);
});
