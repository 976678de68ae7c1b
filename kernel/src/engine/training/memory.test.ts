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
    expect(() => assertBatchFits(model, 64, 'wasm', 'mobilenet_v2')).toThrow(
      /^training: batch_size 64 needs about 7\.\d GB of memory per step for network mobilenet_v2 \(116 MB per image\), more than the wasm backend's 4 GB limit; use batch_size 35 or less$/
    );
    // Batch 32 trains on wasm (measured heap 2.6 GB), and so passes.
    expect(() => assertBatchFits(model, 32, 'wasm', 'mobilenet_v2')).not.toThrow();
    expect(WASM_HEAP_LIMIT).toBe(2 ** 32 - 2 ** 16);
  });

  it('leaves other backends alone', () => {
    expect(() => assertBatchFits(model, 64, 'tensorflow', 'mobilenet_v2')).not.toThrow();
  });
});
