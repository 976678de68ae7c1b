/** The study types of the shared contract (schema/study.d.ts, written with the tuning engine). */
export type {
  ParamValue,
  SearchParameter,
  Objective,
  StudyDocument,
  TrialStatus,
  TrialRecord,
  StudyStatus,
  StudyState
} from '../../schema/study';
