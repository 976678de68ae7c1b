/** Losses from logits against their formulas on probabilities. */
import { tf } from '../backend';
import { perSampleLoss } from './losses';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const logits = [
  [2, -1, 0.5],
  [-3, 4, 1]
];
const y = [
  [1, 0, 0],
  [0, 0, 1]
];
const softmax = (z: number[]) => {
  const e = z.map(Math.exp);
  const s = e.reduce((a, b) => a + b, 0);
  return e.map(v => v / s);
};
const run = (loss: Parameters<typeof perSampleLoss>[0]) =>
  Array.from(perSampleLoss(loss, tf.tensor2d(y), tf.tensor2d(logits)).dataSync());

test('categorical cross-entropy, with label smoothing', () => {
  const p = logits.map(softmax);
  expect(run({ name: 'categorical_crossentropy', label_smoothing: 0 })).toEqual(
    [0, 1].map(i => expect.closeTo(-Math.log(p[i][y[i].indexOf(1)]), 5))
  );
  const s = 0.1;
  const smoothed = [0, 1].map(
    i => -y[i].reduce((a, t, c) => a + (t * (1 - s) + s / 3) * Math.log(p[i][c]), 0)
  );
  expect(run({ name: 'categorical_crossentropy', label_smoothing: s })).toEqual(
    smoothed.map(v => expect.closeTo(v, 5))
  );
});

test('binary cross-entropy: one sigmoid per output, mean over outputs', () => {
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  const expected = [0, 1].map(
    i =>
      -logits[i].reduce(
        (a, z, c) => a + y[i][c] * Math.log(sig(z)) + (1 - y[i][c]) * Math.log(1 - sig(z)),
        0
      ) / 3
  );
  expect(run({ name: 'binary_crossentropy' })).toEqual(expected.map(v => expect.closeTo(v, 5)));
});

test('focal loss down-weights easy samples', () => {
  const p = logits.map(softmax);
  const pt = [0, 1].map(i => p[i][y[i].indexOf(1)]);
  const expected = pt.map(q => -0.25 * (1 - q) ** 2 * Math.log(q));
  expect(run({ name: 'focal', gamma: 2, alpha: 0.25 })).toEqual(
    expected.map(v => expect.closeTo(v, 5))
  );
  // gamma 0, alpha 1 is plain cross-entropy.
  expect(run({ name: 'focal', gamma: 0, alpha: 1 })).toEqual(
    pt.map(q => expect.closeTo(-Math.log(q), 5))
  );
});
