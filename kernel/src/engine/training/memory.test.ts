import { ensureBackend, tf } from '../backend';
import { networks } from '../index';
import { compileTfjs } from '../networks/compile-tfjs';
import { activationBytesPerImage, assertBatchFits, WASM_HEAP_LIMIT } from './memory';

describe('the batch-size memory check', () => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    await ensureBackend('wasm');
    model = compileTfjs(networks.builtin('mobilenet_v2', { classes: 2 }), {
      seed: 1,
      inputShape: [28, 28, 1]
    });
  });
  afterAll(() => model.dispose());

  it('sums the layer outputs of one image', () => {
    // MobileNetV2 keeps 28×28 maps with up to 144 channels in its first stages: ~14.5 MB.
    expect(activationBytesPerImage(model) / 2 ** 20).toBeGreaterThan(14);
    expect(activationBytesPerImage(model) / 2 ** 20).toBeLessThan(15);
  });

  it('refuses MobileNetV2 at batch 64 on wasm, naming the batch size that fits', () => {
    let message = '';
    try {
      assertBatchFits(model, 64, 'wasm', 'mobilenet_v2');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^training: batch_size 64 needs about 4\.\d GB of memory per step for network mobilenet_v2 \(\d+ MB per image\), more than the wasm backend's 4 GB limit; use batch_size (\d+) or less$/
    );
    // Batch 40 trains on wasm (measured: 2.7 GB heap), and the suggestion lies between.
    const fits = Number(/use batch_size (\d+)/.exec(message)![1]);
    expect(fits).toBeGreaterThanOrEqual(40);
    expect(fits).toBeLessThan(64);
    expect(() => assertBatchFits(model, 40, 'wasm', 'mobilenet_v2')).not.toThrow();
    expect(WASM_HEAP_LIMIT).toBe(2 ** 32 - 2 ** 16);
  });

  it('leaves other backends alone', () => {
    expect(() => assertBatchFits(model, 64, 'tensorflow', 'mobilenet_v2')).not.toThrow();
  });
});
