/**
 * Hyper-parameter tuning (`mf.tuning`): studies that search a pipeline's hyperparameters with a
 * genetic algorithm, trials on worker threads or on Redis workers, journals that resume.
 * Start one with `pipeline.autotune(options)`; continue one with `mf.tuning.resume(file)`.
 */
export { autotune, resume, studyDocument, DEFAULT_GA } from './autotune';
export type { AutotuneOptions, ExecutionOptions, ResumeOptions } from './autotune';
export { Study, STUDY_MIME } from './study';
export type { StudyEvent, StudyResult } from './study';
export { buildSpace, applyParams, DEFAULT_TUNED } from './space';
export type { Params, ParameterOverride, SpaceOptions } from './space';
export { readJournal } from './journal';
export { startRedisWorker } from './redis/worker';
export type { RedisWorkerOptions } from './redis/worker';
export type { GenerationStats, TrialRow } from './results';
export type {
  GaSettings,
  Objective,
  ParamValue,
  SearchParameter,
  StudyDocument,
  StudyState,
  StudyStatus,
  TrialRecord
} from '../../../../schema/study';
