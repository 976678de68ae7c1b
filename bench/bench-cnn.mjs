// The CNN that the training benchmarks measure (bench/backend.mjs, bench/train-compare.mjs and
// its PyTorch twin in bench/train-torch.py): 3 × (Conv 3×3 'same', no bias → BatchNorm → ReLU →
// MaxPool 2) with 16/32/64 filters, then Flatten → Dense(2) logits. Conv2D and BatchNorm are the
// layers medflow's network compiler builds (kernel/src/engine/networks/conv-tfjs.ts and
// batch-norm-tfjs.ts: tfjs-layers' classes with leaner training steps), so the benchmarks
// measure what users run.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { FusedBatchNormalization } = require('../dist/kernel/engine/networks/batch-norm-tfjs.js');
const { Conv2DLayer } = require('../dist/kernel/engine/networks/conv-tfjs.js');

/** Builds the benchmark CNN with the given tfjs namespace for size×size×1 inputs. */
export function buildBenchCnn(tf, size) {
  const model = tf.sequential();
  [16, 32, 64].forEach((filters, i) => {
    model.add(
      new Conv2DLayer({
        ...(i === 0 ? { inputShape: [size, size, 1] } : {}),
        filters,
        kernelSize: 3,
        padding: 'same',
        useBias: false
      })
    );
    model.add(new FusedBatchNormalization({}));
    model.add(tf.layers.reLU());
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  });
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 2 }));
  return model;
}
