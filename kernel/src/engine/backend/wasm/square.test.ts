import { tf } from '../tf';
import { randomArray, runOn } from '../testing/compare';

describe('wasm Square', () => {
  it.each([[[7]], [[3, 3, 4, 5]], [[2, 9, 9, 6]]])(
    'equals the cpu backend, shape %j',
    async shape => {
      const values = randomArray(tf.util.sizeFromShape(shape), 11).map(v => v * 1e3);
      const run = () => tf.square(tf.tensor(values, shape));
      const [cpu] = await runOn('cpu', run);
      const [wasm] = await runOn('wasm', run);
      expect(Array.from(wasm)).toEqual(Array.from(cpu));
    }
  );

  it('keeps the gradient of tf.square', async () => {
    const [grad] = await runOn('wasm', () => tf.grad(x => tf.square(x))(tf.tensor([-2, 0.5, 3])));
    expect(Array.from(grad)).toEqual([-4, 1, 6]);
  });
});
