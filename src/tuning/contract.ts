/**
 * The study types of the shared contract (schema/study.d.ts, written by the tuning engine).
 * TEMPORARY copy until that file is merged here; then this file only re-exports it.
 */
export type ParamValue = number | string | boolean;
export type SearchParameter =
  | {
      name: string;
      path: string;
      type: 'int' | 'float' | 'log-float';
      low: number;
      high: number;
      tuned: boolean;
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
  metric: string;
  direction: 'max' | 'min';
}
export interface StudyDocument {
  version: 1;
  name: string;
  seed: number;
  space: SearchParameter[];
  objectives: Objective[];
  ga: Record<string, number>;
  retries: number;
  pipeline: object;
}
export type TrialStatus = 'queued' | 'running' | 'done' | 'failed';
export interface TrialRecord {
  id: string;
  generation: number;
  index: number;
  params: Record<string, ParamValue>;
  status: TrialStatus;
  metrics?: Record<string, number>;
  history?: Array<Record<string, number>>;
  error?: string;
  attempts: number;
  seconds?: number;
  worker?: string;
}
export type StudyStatus = 'idle' | 'running' | 'stopped' | 'done' | 'failed';
export interface StudyState {
  study: StudyDocument;
  status: StudyStatus;
  trials: TrialRecord[];
}
