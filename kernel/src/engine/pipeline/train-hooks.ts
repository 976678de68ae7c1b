/**
 * How `pipeline.train()` lets an observer follow a training run (the live training view,
 * engine/views/training-view.ts) without the pipeline knowing it: the observer is installed
 * once, and is asked at the start of every run whether it wants to watch it.
 */
import type { PipelineDocument } from '../../../../schema/documents';
import type { BatchEvent, EpochRecord } from '../training/train';
import type { Run } from './run';

export interface TrainingStart {
  pipeline: PipelineDocument;
  dataset: string;
  classes: string[];
  epochs: number;
}

/** What an observer does with one run; every part is optional. */
export interface TrainingWatch {
  /** Stops training too (the view's stop button), besides the caller's signal. */
  signal?: AbortSignal;
  onBatch?(event: BatchEvent): void;
  onEpoch?(record: EpochRecord): void;
  /** The finished run (awaited before train() returns, so the view is complete). */
  onEnd?(run: Run): void | Promise<void>;
  /** Training failed or was cancelled. */
  onError?(error: unknown): void;
}

export type TrainingWatcher = (start: TrainingStart) => TrainingWatch | undefined;

let watcher: TrainingWatcher | undefined;

/** Installs (or removes, with undefined) the observer of every training run. */
export function setTrainingWatcher(next: TrainingWatcher | undefined): void {
  watcher = next;
}

export function watchTraining(start: TrainingStart): TrainingWatch {
  return watcher?.(start) ?? {};
}

/** The caller's signal (explicit, else ambient) and the watch's, as one. */
export function combineSignals(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  return present.length <= 1 ? present[0] : AbortSignal.any(present);
}
