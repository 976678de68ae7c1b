/** Training settings of the network module: defaults and validation. */
import type { TrainingSettings } from '../../../../schema/documents';

export interface ResolvedTraining {
  epochs: number;
  batch_size: number;
  /** Per epoch, the learning rate is multiplied by (1 - learning_rate_decay). */
  learning_rate_decay: number;
  /**
   * 'balanced' weighs each training image's loss by n / (classes · count of its class), so a
   * rare class (e.g. the 10% normal X-rays of PneumoniaMNIST's train split) counts as much as a
   * frequent one; 'none' weighs all images equally.
   */
  class_weight: 'none' | 'balanced';
  optimizer:
    | { name: 'adam'; lr: number; beta_1: number; beta_2: number; epsilon: number }
    | { name: 'sgd'; lr: number; momentum: number };
}

export const DEFAULT_TRAINING = {
  epochs: 5,
  batch_size: 32,
  optimizer: { name: 'adam', lr: 1e-3 }
};

function check(ok: boolean, problem: string): void {
  if (!ok) throw new Error(`training: ${problem}`);
}

/** Fills defaults and checks ranges; errors read e.g. "training: epochs must be an integer >= 1 (got 0)". */
export function resolveTraining(settings: TrainingSettings = {}): ResolvedTraining {
  const epochs = settings.epochs ?? DEFAULT_TRAINING.epochs;
  const batch = settings.batch_size ?? DEFAULT_TRAINING.batch_size;
  const decay = settings.learning_rate_decay ?? 0;
  check(Number.isInteger(epochs) && epochs >= 1, `epochs must be an integer >= 1 (got ${epochs})`);
  check(Number.isInteger(batch) && batch >= 1, `batch_size must be an integer >= 1 (got ${batch})`);
  check(
    typeof decay === 'number' && decay >= 0 && decay < 1,
    `learning_rate_decay must be in [0, 1) (got ${decay})`
  );
  const opt: { name: string; [param: string]: unknown } =
    settings.optimizer ?? DEFAULT_TRAINING.optimizer;
  const known = ['adam', 'sgd'];
  check(
    known.includes(opt.name),
    `optimizer must be one of ${known.join(', ')} (got ${JSON.stringify(opt.name)})`
  );
  const num = (
    key: string,
    fallback: number,
    lo: number,
    hi: number,
    inclusiveLo = false
  ): number => {
    const v = opt[key] ?? fallback;
    check(
      typeof v === 'number' && (inclusiveLo ? v >= lo : v > lo) && v < hi,
      `optimizer ${opt.name}: ${key} must be in ${inclusiveLo ? '[' : '('}${lo}, ${hi}) (got ${JSON.stringify(v)})`
    );
    return v as number;
  };
  for (const key of Object.keys(opt)) {
    const allowed =
      opt.name === 'adam'
        ? ['name', 'lr', 'beta_1', 'beta_2', 'epsilon']
        : ['name', 'lr', 'momentum'];
    check(
      allowed.includes(key),
      `optimizer ${opt.name}: unknown parameter '${key}' (known: ${allowed.slice(1).join(', ')})`
    );
  }
  const optimizer: ResolvedTraining['optimizer'] =
    opt.name === 'adam'
      ? {
          name: 'adam',
          lr: num('lr', 1e-3, 0, 1),
          beta_1: num('beta_1', 0.9, 0, 1, true),
          beta_2: num('beta_2', 0.999, 0, 1, true),
          epsilon: num('epsilon', 1e-7, 0, 1)
        }
      : { name: 'sgd', lr: num('lr', 1e-2, 0, 1), momentum: num('momentum', 0, 0, 1, true) };
  const classWeight = settings.class_weight ?? 'none';
  check(
    classWeight === 'none' || classWeight === 'balanced',
    `class_weight must be 'none' or 'balanced' (got ${JSON.stringify(classWeight)})`
  );
  return {
    epochs,
    batch_size: batch,
    learning_rate_decay: decay,
    class_weight: classWeight as 'none' | 'balanced',
    optimizer
  };
}
