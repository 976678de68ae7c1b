/**
 * Losses computed from logits (never from probabilities, for numerical stability), per sample,
 * so that class weights and the mean can be applied the same way for each.
 */
import { tf } from '../backend';
import type { LossSettings } from './settings';

/** Per-sample loss (B) from one-hot targets (B × K) and logits (B × K). */
export function perSampleLoss(loss: LossSettings, y: tf.Tensor, logits: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const k = logits.shape[logits.shape.length - 1]!;
    switch (loss.name) {
      case 'binary_crossentropy': {
        // Each output is its own sigmoid: max(z, 0) - z·y + log(1 + exp(-|z|)), mean over K.
        const z = logits;
        const l = tf
          .relu(z)
          .sub(z.mul(y))
          .add(tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
        return l.mean(-1) as tf.Tensor1D;
      }
      case 'focal': {
        // Lin et al. 2017: -alpha · (1 - p_t)^gamma · log p_t, with log p_t from log-softmax.
        const logpt = tf.sum(tf.mul(y, tf.logSoftmax(logits)), -1);
        const pt = tf.exp(logpt);
        const factor = tf.pow(tf.sub(1, pt), loss.gamma).mul(loss.alpha);
        return tf.neg(tf.mul(factor, logpt)) as tf.Tensor1D;
      }
      default: {
        const s = loss.label_smoothing;
        const target = s > 0 ? y.mul(1 - s).add(s / k) : y;
        return tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), -1)) as tf.Tensor1D;
      }
    }
  });
}

/** Class scores used for the metrics: softmax, or per-output sigmoids for binary CE. */
export function scores(loss: LossSettings, logits: tf.Tensor): tf.Tensor {
  return loss.name === 'binary_crossentropy' ? tf.sigmoid(logits) : tf.softmax(logits);
}
