/**
 * The built-in small CNN as a backend-neutral network document: `blocks` × (Conv2D 3×3 →
 * BatchNormalization → ReLU → MaxPooling2D 2×2), with filters doubling per block, then global
 * average pooling (or flatten), optional dropout, and Dense(classes) producing logits.
 */
import type { LayerNode, NetworkDocument } from '../../../../schema/documents';

export interface SmallCnnOptions {
  /** Number of output classes (logits). */
  classes: number;
  /**
   * Shape of one input image [H, W, C]. Leave it out to take the shape of the pipeline's
   * processed images when training (the Input layer then has `shape: null`).
   */
  inputShape?: [number, number, number];
  /** Filters of the first block; each further block doubles them. Default 16. */
  filters?: number;
  /** Number of Conv-BN-ReLU-MaxPool blocks (1–5). Default 3. */
  blocks?: number;
  /** Head: 'gap' (GlobalAveragePooling2D) or 'flatten'. Default 'gap'. */
  head?: 'gap' | 'flatten';
  /** Dropout rate before the last Dense layer (0 = no Dropout layer). Default 0. */
  dropout?: number;
  /** Kernel initializer of Conv2D/Dense layers. Default 'he_normal'. */
  kernel_initializer?: string;
}

export function smallCnn(options: SmallCnnOptions): NetworkDocument {
  const { classes, filters = 16, blocks = 3, head = 'gap', dropout = 0 } = options;
  const init = options.kernel_initializer ?? 'he_normal';
  if (!Number.isInteger(classes) || classes < 2) {
    throw new Error(`small_cnn: classes must be an integer >= 2 (got ${classes})`);
  }
  if (!Number.isInteger(blocks) || blocks < 1 || blocks > 5) {
    throw new Error(`small_cnn: blocks must be an integer in 1..5 (got ${blocks})`);
  }
  if (!Number.isInteger(filters) || filters < 1) {
    throw new Error(`small_cnn: filters must be a positive integer (got ${filters})`);
  }
  if (!(dropout >= 0 && dropout < 1)) {
    throw new Error(`small_cnn: dropout must be in [0, 1) (got ${dropout})`);
  }
  const layers: LayerNode[] = [
    { id: 'input', type: 'Input', params: { shape: options.inputShape ?? null }, inputs: [] }
  ];
  let prev = 'input';
  const add = (id: string, type: string, params: Record<string, unknown>) => {
    layers.push({ id, type, params, inputs: [prev] });
    prev = id;
  };
  for (let b = 1; b <= blocks; b++) {
    add(`conv${b}`, 'Conv2D', {
      filters: filters * 2 ** (b - 1),
      kernel_size: 3,
      padding: 'same',
      use_bias: false,
      kernel_initializer: init
    });
    add(`bn${b}`, 'BatchNormalization', { momentum: 0.9, epsilon: 1e-3 });
    add(`relu${b}`, 'Activation', { activation: 'relu' });
    add(`pool${b}`, 'MaxPooling2D', { pool_size: 2 });
  }
  add(
    head === 'gap' ? 'gap' : 'flatten',
    head === 'gap' ? 'GlobalAveragePooling2D' : 'Flatten',
    {}
  );
  if (dropout > 0) add('dropout', 'Dropout', { rate: dropout });
  add('logits', 'Dense', { units: classes, kernel_initializer: 'glorot_uniform' });
  return { version: 1, name: 'small_cnn', inputs: ['input'], layers, outputs: ['logits'] };
}
