import { ensureBackend, tf } from '../backend';
import { maxRelDiff, randomArray } from '../backend/testing/compare';
import { Conv2DLayer } from './conv-tfjs';

/** A two-convolution model of either kind with the same weights. */
function model(ours: boolean, useBias: boolean): tf.Sequential {
  const m = tf.sequential();
  type Args = Parameters<typeof tf.layers.conv2d>[0];
  const make = (args: Args) => (ours ? new Conv2DLayer(args) : tf.layers.conv2d(args));
  m.add(make({ inputShape: [9, 9, 2], filters: 4, kernelSize: 3, padding: 'same', useBias }));
  m.add(make({ filters: 3, kernelSize: 3, strides: 2, useBias, activation: 'linear' }));
  m.setWeights(m.getWeights().map((w, i) => tf.tensor(randomArray(w.size, 30 + i), w.shape)));
  return m;
}

/** Output and the gradients of a weighted sum of it with respect to every weight. */
function outputsAndGradients(m: tf.Sequential, x: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const y = m.apply(x) as tf.Tensor;
    const w = tf.tensor(randomArray(y.size, 40), y.shape);
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(m.apply(x, { training: true }) as tf.Tensor, w)) as tf.Scalar,
      m.trainableWeights.map(v => v.read() as tf.Variable)
    );
    return [y, ...Object.values(grads)].map(t => t.dataSync() as Float32Array);
  });
}

describe('Conv2DLayer', () => {
  beforeAll(async () => {
    await ensureBackend('wasm');
  });

  it.each([false, true])(
    'gives the outputs and weight gradients of tfjs-layers Conv2D (bias %s)',
    useBias => {
      const x = tf.tensor(randomArray(2 * 9 * 9 * 2, 20), [2, 9, 9, 2]);
      const ours = outputsAndGradients(model(true, useBias), x);
      const stock = outputsAndGradients(model(false, useBias), x);
      expect(ours).toHaveLength(stock.length);
      ours.forEach((values, i) => expect(maxRelDiff(values, stock[i])).toBeLessThan(1e-5));
    }
  );

  it('does not compute the gradient of the data going into the first convolution', async () => {
    const m = model(true, false);
    const x = tf.tensor(randomArray(2 * 9 * 9 * 2, 21), [2, 9, 9, 2]);
    const info = await tf.profile(() =>
      tf.variableGrads(
        () => tf.sum(m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
        m.trainableWeights.map(v => v.read() as tf.Variable)
      )
    );
    const names = info.kernels.map(k => k.name);
    // Two convolutions, one input gradient: the second layer's (its input is the first's output).
    expect(names.filter(n => n === 'Conv2DBackpropFilter')).toHaveLength(2);
    expect(names.filter(n => n === 'Conv2DBackpropInput')).toHaveLength(1);
  });

  it('saves as tfjs-layers Conv2D', () => {
    const json = model(true, false).toJSON(undefined, false) as unknown as {
      config: { layers: { class_name: string }[] };
    };
    expect(json.config.layers.map(l => l.class_name)).toEqual(['Conv2D', 'Conv2D']);
  });
});
