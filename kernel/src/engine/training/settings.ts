/** Training settings of the network module: defaults and validation. */
import type { TrainingSettings } from '../../../../schema/documents';
import { resolveOptimizer, type OptimizerSettings } from './optimizers';
import { MONITORS } from './schema';
import { assertValidTraining } from './validate';

export { MONITORS };

export type LossSettings =
  | { name: 'categorical_crossentropy'; label_smoothing: number }
  | { name: 'binary_crossentropy' }
  | { name: 'focal'; gamma: number; alpha: number };

export interface AugmentationSettings {
  /** Mirror left-right with probability 1/2. */
  flip_horizontal: boolean;
  /** Mirror top-bottom with probability 1/2. */
  flip_vertical: boolean;
  /** Rotate by a uniform angle in [-rotation, rotation] degrees. */
  rotation: number;
  /** Shift by a uniform fraction in [-shift, shift] of the height and width. */
  shift: number;
}

export type Monitor = (typeof MONITORS)[number];

export interface EarlyStopping {
  metric: Monitor;
  /** Smallest change that counts as an improvement. */
  min_delta: number;
  /** Epochs without improvement before stopping. */
  patience: number;
  mode: 'min' | 'max';
}

export interface ResolvedTraining {
  epochs: number;
  batch_size: number;
  /** Per epoch, the learning rate is multiplied by (1 - learning_rate_decay). */
  learning_rate_decay: number;
  /**
   * 'balanced' weighs each training image's loss by n / (classes · count of its class), so a
   * rare class (e.g. the 10% normal X-rays of PneumoniaMNIST's train split) counts as much as a
   * frequent one; 'none' weighs all images equally; an array gives one weight per class.
   */
  class_weight: 'none' | 'balanced' | number[];
  optimizer: OptimizerSettings;
  loss: LossSettings;
  augmentation: AugmentationSettings | null;
  early_stopping: EarlyStopping | null;
  /** Restore the weights of the epoch that was best by this metric (null: keep the last). */
  keep_best: { metric: Monitor; mode: 'min' | 'max' } | null;
}

export const DEFAULT_TRAINING = {
  epochs: 5,
  batch_size: 32,
  optimizer: { name: 'adam', lr: 1e-3 }
};

const KNOWN = [
  'epochs',
  'batch_size',
  'learning_rate_decay',
  'class_weight',
  'optimizer',
  'loss',
  'augmentation',
  'early_stopping',
  'keep_best'
];

function check(ok: boolean, problem: string): void {
  if (!ok) throw new Error(`training: ${problem}`);
}

type Obj = Record<string, unknown>;

function only(o: Obj, what: string, keys: string[]): void {
  for (const k of Object.keys(o)) {
    check(keys.includes(k), `${what}: unknown parameter '${k}' (known: ${keys.join(', ')})`);
  }
}

function num(o: Obj, what: string, key: string, dflt: number, lo: number, hi: number): number {
  const v = o[key] ?? dflt;
  check(
    typeof v === 'number' && v >= lo && v <= hi,
    `${what}: ${key} must be in [${lo}, ${hi}] (got ${JSON.stringify(v)})`
  );
  return v as number;
}

function resolveLoss(v: unknown): LossSettings {
  const o = (
    typeof v === 'string' ? { name: v } : (v ?? { name: 'categorical_crossentropy' })
  ) as Obj;
  const names = ['categorical_crossentropy', 'binary_crossentropy', 'focal'];
  check(
    typeof o === 'object' && names.includes(o.name as string),
    `loss must be one of ${names.join(', ')} (got ${JSON.stringify(o.name ?? v)})`
  );
  if (o.name === 'focal') {
    only(o, 'loss focal', ['name', 'gamma', 'alpha']);
    return {
      name: 'focal',
      gamma: num(o, 'loss focal', 'gamma', 2, 0, 10),
      alpha: num(o, 'loss focal', 'alpha', 0.25, 0, 1)
    };
  }
  if (o.name === 'binary_crossentropy') {
    only(o, 'loss binary_crossentropy', ['name']);
    return { name: 'binary_crossentropy' };
  }
  only(o, 'loss categorical_crossentropy', ['name', 'label_smoothing']);
  return {
    name: 'categorical_crossentropy',
    label_smoothing: num(o, 'loss categorical_crossentropy', 'label_smoothing', 0, 0, 0.99)
  };
}

function resolveAugmentation(v: unknown): AugmentationSettings | null {
  if (v === null || v === undefined || v === false) return null;
  check(typeof v === 'object', `augmentation must be an object or null (got ${JSON.stringify(v)})`);
  const o = v as Obj;
  only(o, 'augmentation', ['flip_horizontal', 'flip_vertical', 'rotation', 'shift']);
  for (const k of ['flip_horizontal', 'flip_vertical']) {
    check(
      o[k] === undefined || typeof o[k] === 'boolean',
      `augmentation: ${k} must be true or false (got ${JSON.stringify(o[k])})`
    );
  }
  return {
    flip_horizontal: o.flip_horizontal === true,
    flip_vertical: o.flip_vertical === true,
    rotation: num(o, 'augmentation', 'rotation', 0, 0, 180),
    shift: num(o, 'augmentation', 'shift', 0, 0, 0.5)
  };
}

function monitor(o: Obj, what: string): { metric: Monitor; mode: 'min' | 'max' } {
  const metric = (o.metric ?? 'val_loss') as Monitor;
  check(
    MONITORS.includes(metric),
    `${what}: metric must be one of ${MONITORS.join(', ')} (got ${JSON.stringify(o.metric)})`
  );
  const mode = (o.mode ?? 'auto') as 'auto' | 'min' | 'max';
  check(
    mode === 'auto' || mode === 'min' || mode === 'max',
    `${what}: mode must be 'auto', 'min' or 'max' (got ${JSON.stringify(mode)})`
  );
  return { metric, mode: mode === 'auto' ? (metric.endsWith('loss') ? 'min' : 'max') : mode };
}

function resolveEarlyStopping(v: unknown): EarlyStopping | null {
  if (v === null || v === undefined || v === false) return null;
  check(
    typeof v === 'object',
    `early_stopping must be an object or null (got ${JSON.stringify(v)})`
  );
  const o = v as Obj;
  only(o, 'early_stopping', ['metric', 'min_delta', 'patience', 'mode']);
  const patience = o.patience ?? 3;
  check(
    Number.isInteger(patience) && (patience as number) >= 0,
    `early_stopping: patience must be an integer >= 0 (got ${JSON.stringify(patience)})`
  );
  return {
    ...monitor(o, 'early_stopping'),
    min_delta: num(o, 'early_stopping', 'min_delta', 0, 0, Infinity),
    patience: patience as number
  };
}

function resolveKeepBest(v: unknown): ResolvedTraining['keep_best'] {
  if (v === null || v === undefined || v === false) return null;
  const o = (typeof v === 'string' ? { metric: v } : v) as Obj;
  check(typeof o === 'object', `keep_best must be a metric name, an object or null`);
  only(o, 'keep_best', ['metric', 'mode']);
  return monitor(o, 'keep_best');
}

/**
 * The settings with their shorthands written out ("loss": "focal" → { name: "focal" },
 * "keep_best": "val_auc" → { metric: "val_auc" }, false → null) and undefined fields dropped,
 * the form the schema's main branches describe.
 */
function expandShorthands(settings: TrainingSettings): TrainingSettings {
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) return settings;
  const out: Obj = {};
  for (const [k, v] of Object.entries(settings)) {
    if (v === undefined) continue;
    if (k === 'loss' && typeof v === 'string') out[k] = { name: v };
    else if (k === 'keep_best' && typeof v === 'string') out[k] = { metric: v };
    else if (['augmentation', 'early_stopping', 'keep_best'].includes(k) && v === false)
      out[k] = null;
    else out[k] = v;
  }
  return out as TrainingSettings;
}

/**
 * Checks the settings against schema/training.schema.json (ajv) and fills defaults; errors name
 * the field, the value and the allowed range, e.g. "training: epochs must be an integer >= 1
 * (got 0)".
 */
export function resolveTraining(input: TrainingSettings = {}): ResolvedTraining {
  const settings = expandShorthands(input);
  assertValidTraining(settings);
  for (const k of Object.keys(settings)) {
    check(KNOWN.includes(k), `unknown setting '${k}' (known: ${KNOWN.join(', ')})`);
  }
  const epochs = settings.epochs ?? DEFAULT_TRAINING.epochs;
  const batch = settings.batch_size ?? DEFAULT_TRAINING.batch_size;
  const decay = settings.learning_rate_decay ?? 0;
  check(Number.isInteger(epochs) && epochs >= 1, `epochs must be an integer >= 1 (got ${epochs})`);
  check(Number.isInteger(batch) && batch >= 1, `batch_size must be an integer >= 1 (got ${batch})`);
  check(
    typeof decay === 'number' && decay >= 0 && decay < 1,
    `learning_rate_decay must be in [0, 1) (got ${decay})`
  );
  let optimizer: OptimizerSettings;
  try {
    optimizer = resolveOptimizer(settings.optimizer ?? DEFAULT_TRAINING.optimizer);
  } catch (error) {
    throw new Error(`training: ${(error as Error).message}`);
  }
  const classWeight = (settings.class_weight ?? 'none') as ResolvedTraining['class_weight'];
  check(
    classWeight === 'none' ||
      classWeight === 'balanced' ||
      (Array.isArray(classWeight) && classWeight.every(w => typeof w === 'number' && w >= 0)),
    `class_weight must be 'none', 'balanced' or one weight >= 0 per class (got ${JSON.stringify(classWeight)})`
  );
  return {
    epochs,
    batch_size: batch,
    learning_rate_decay: decay,
    class_weight: classWeight,
    optimizer,
    loss: resolveLoss(settings.loss),
    augmentation: resolveAugmentation(settings.augmentation),
    early_stopping: resolveEarlyStopping(settings.early_stopping),
    keep_best: resolveKeepBest(settings.keep_best)
  };
}
