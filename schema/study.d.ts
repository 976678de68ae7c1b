/**
 * The tuning study shared by the engine (kernel/src/engine/tuning) and the tuning view: its
 * search space, objectives, GA settings and trials. Mirrors schema/study.schema.json.
 */

export type ParamValue = number | string | boolean;

export type NumericParameterType = 'int' | 'float' | 'log-float';

export type SearchParameter =
  | {
      /** Short user-facing name: "batch_size", "learning_rate", "optimizer", "conv1.filters". */
      name: string;
      /**
       * Where the value lives in the pipeline document: "training.batch_size",
       * "training.optimizer.name", "training.learning_rate_decay",
       * "network.layers.<layerId>.params.<p>", "steps.<stepId>.params.<p>".
       */
      path: string;
      type: NumericParameterType;
      low: number;
      high: number;
      tuned: boolean;
      /** The pipeline's current value (used as is when the parameter is not tuned). */
      value: number;
      description?: string;
    }
  | {
      name: string;
      path: string;
      type: 'categorical';
      choices: ParamValue[];
      tuned: boolean;
      value: ParamValue;
      description?: string;
    };

export interface Objective {
  /** e.g. "val_accuracy", "val_auc", "val_loss". */
  metric: string;
  direction: 'max' | 'min';
}

export interface GaSettings {
  population: number;
  generations: number;
  elitism: number;
  tournament_size: number;
  crossover_rate: number;
  mutation_rate: number;
  perturbation: number;
  /**
   * Random configurations in each generation after the first, in place of children (diversity:
   * a population converged on one optimizer still tries others). Absent: 0 (studies journaled
   * before it existed resume as they ran).
   */
  immigrants?: number;
}

export interface StudyDocument {
  version: 1;
  name: string;
  seed: number;
  space: SearchParameter[];
  /** The first one is primary: it drives selection. */
  objectives: Objective[];
  ga: GaSettings;
  /** Extra attempts for a failed trial. */
  retries: number;
  /** The base pipeline document (schema/pipeline.schema.json). */
  pipeline: object;
  /** Optional: how new configurations are proposed ('ga' unless 'random', for comparisons). */
  strategy?: 'ga' | 'random';
}

export type TrialStatus = 'queued' | 'running' | 'done' | 'failed';

export interface TrialRecord {
  /** "g<generation>-<index>", e.g. "g0-3". */
  id: string;
  generation: number;
  index: number;
  /** Keyed by SearchParameter.name (tuned ones only). */
  params: Record<string, ParamValue>;
  status: TrialStatus;
  /** Final: val_accuracy, val_auc, val_loss, …, loss, test_* if evaluated. */
  metrics?: Record<string, number>;
  /** Per epoch: { epoch, loss, val_loss, val_accuracy, … }. */
  history?: Array<Record<string, number>>;
  error?: string;
  attempts: number;
  seconds?: number;
  /** "thread-1", or "host:pid" for Redis workers. */
  worker?: string;
  /** Optional: the tfjs backend that trained it, e.g. "wasm (1 thread, SIMD)". */
  backend?: string;
}

export type StudyStatus = 'idle' | 'running' | 'stopped' | 'done' | 'failed';

export interface StudyState {
  study: StudyDocument;
  status: StudyStatus;
  trials: TrialRecord[];
}

/** MIME type of a displayed study; its data is StudyBundle. */
export type StudyMimeType = 'application/vnd.medflow.study+json';

export interface StudyBundle {
  state: StudyState;
  live?: { target: string; id: string };
}

/** Comm messages, kernel → frontend. */
export type StudyKernelMessage =
  | { type: 'state'; state: StudyState }
  | { type: 'trial'; trial: TrialRecord }
  | { type: 'status'; status: StudyStatus }
  | { type: 'applied'; trial_id: string; params: Record<string, ParamValue> }
  | { type: 'error'; message: string };

/** Comm messages, frontend → kernel. */
export type StudyFrontendMessage =
  { type: 'apply'; trial_id: string } | { type: 'stop' } | { type: 'resume' };
