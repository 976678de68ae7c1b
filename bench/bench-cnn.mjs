// The CNN that the training benchmarks measure (bench/backend.mjs, bench/train-compare.mjs and
// its PyTorch twin in bench/train-torch.py): 3 × (Conv 3×3 'same', no bias → BatchNorm → ReLU →
// MaxPool 2) with 16/32/64 filters, then Flatten → Dense(2) logits.

/** Builds the benchmark CNN with the given tfjs namespace for size×size×1 inputs. */
export function buildBenchCnn(tf, size) {
  const model = tf.sequential();
  [16, 32, 64].forEach((filters, i) => {
    model.add(
      tf.layers.conv2d({
        ...(i === 0 ? { inputShape: [size, size, 1] } : {}),
        filters,
        kernelSize: 3,
        padding: 'same',
        useBias: false
      })
    );
    model.add(tf.layers.batchNormalization());
    model.add(tf.layers.reLU());
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  });
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 2 }));
  return model;
}
