/**
 * `pipeline.autotune(options)` and `mf.tuning.resume(file)`: turn user options into a study
 * document (search space, objectives, GA settings), pick where trials run (worker threads by
 * default, Redis workers with `redis`, this thread with `concurrency: 0`), and start the study.
 */
import * as path from 'node:path';
import type { PipelineDocument } from '../../../../schema/documents';
import type { GaSettings, Objective, StudyDocument } from '../../../../schema/study';
import type { Dataset } from '../data/dataset';
import { FILE_SOURCES } from '../data/loaders';
import { resolveSignal } from '../cancel';
import { checkGaSettings } from './ga';
import { readJournal } from './journal';
import { RedisTrialQueue } from './redis/queue';
import { directionOf } from './results';
import { buildSpace, type SpaceOptions } from './space';
import { Study, type RunSettings } from './study';
import { InlineExecutor, ThreadPool, type TrialExecutor } from './thread-pool';
import { runTrial } from './trial-runner';

export interface ExecutionOptions {
  /**
   * Trials trained at once on this machine (worker threads, each with its own tfjs backend);
   * default: the number of cores. 0 trains them one by one in this thread.
   */
  concurrency?: number;
  /** A Redis URL: trials become BullMQ jobs that `medflow worker --redis URL` processes run. */
  redis?: string;
  /** BullMQ queue name (default "medflow-trials"; workers must use the same). */
  queue?: string;
  /** One line per finished trial (default true). */
  verbose?: boolean;
  /** Stops the study; default: the signal of the cell that started it (kernel interrupt). */
  signal?: AbortSignal;
}

export interface AutotuneOptions extends SpaceOptions, ExecutionOptions, Partial<GaSettings> {
  /** Study name; default "<pipeline name>-tuning". */
  name?: string;
  /** Seed of every random choice of the study; default the pipeline's seed. */
  seed?: number;
  /** Metric(s) to optimise, the first one primary; direction from the name unless given. */
  metric?: string | string[];
  objectives?: Array<string | Objective>;
  /** Extra attempts for a failed trial (default 0). */
  retries?: number;
  /** 'ga' (default) or 'random' search with the same trial budget. */
  strategy?: 'ga' | 'random';
  /**
   * Journal file, appended after every trial change; an existing journal of the same study is
   * continued. Default "<name>.study.jsonl" in the working directory; false keeps it in memory.
   */
  storage?: string | false;
}

export const DEFAULT_GA: GaSettings = {
  population: 8,
  generations: 5,
  elitism: 2,
  tournament_size: 2,
  crossover_rate: 0.9,
  mutation_rate: 0.3,
  perturbation: 0.1,
  immigrants: 1
};

const KNOWN_OPTIONS = [
  'tune',
  'space',
  'concurrency',
  'redis',
  'queue',
  'verbose',
  'signal',
  'name',
  'seed',
  'metric',
  'objectives',
  'retries',
  'strategy',
  'storage',
  ...Object.keys(DEFAULT_GA)
];

function objectivesOf(options: AutotuneOptions): Objective[] {
  if (options.metric !== undefined && options.objectives !== undefined) {
    throw new Error('autotune: give metric or objectives, not both');
  }
  const list = options.objectives ?? [options.metric ?? 'val_accuracy'].flat();
  if (list.length === 0) throw new Error('autotune: at least one objective is needed');
  return list.map(o => {
    const objective = typeof o === 'string' ? { metric: o, direction: directionOf(o) } : { ...o };
    if (!objective.metric) throw new Error('autotune: an objective has no metric');
    if (objective.direction !== 'max' && objective.direction !== 'min') {
      throw new Error(
        `autotune: objective ${objective.metric}: direction must be 'max' or 'min' (got ${JSON.stringify(objective.direction)})`
      );
    }
    return objective;
  });
}

/** The study document for a pipeline and the user's options (checked, with defaults). */
export function studyDocument(
  pipeline: PipelineDocument,
  options: AutotuneOptions = {}
): StudyDocument {
  for (const k of Object.keys(options)) {
    if (!KNOWN_OPTIONS.includes(k)) {
      throw new Error(`autotune: unknown option '${k}' (known: ${KNOWN_OPTIONS.join(', ')})`);
    }
  }
  if (!pipeline.network)
    throw new Error(`pipeline '${pipeline.name}' has no network: call .network(doc) first`);
  if (!pipeline.dataset)
    throw new Error(`pipeline '${pipeline.name}' has no dataset: call .input(dataset) first`);
  const ga: GaSettings = { ...DEFAULT_GA };
  for (const k of Object.keys(DEFAULT_GA) as (keyof GaSettings)[]) {
    if (options[k] !== undefined) ga[k] = options[k]!;
  }
  if (options.population !== undefined && options.elitism === undefined) {
    ga.elitism = Math.min(ga.elitism, Math.max(0, ga.population - 1));
  }
  checkGaSettings(ga);
  const retries = options.retries ?? 0;
  if (!Number.isInteger(retries) || retries < 0) {
    throw new Error(
      `autotune: retries must be an integer >= 0 (got ${JSON.stringify(options.retries)})`
    );
  }
  const seed = options.seed ?? pipeline.seed;
  if (!Number.isInteger(seed)) throw new Error(`autotune: seed must be an integer (got ${seed})`);
  const strategy = options.strategy ?? 'ga';
  if (strategy !== 'ga' && strategy !== 'random') {
    throw new Error(
      `autotune: strategy must be 'ga' or 'random' (got ${JSON.stringify(strategy)})`
    );
  }
  const doc: StudyDocument = {
    version: 1,
    name: options.name ?? `${pipeline.name}-tuning`,
    seed,
    space: buildSpace(pipeline, options),
    objectives: objectivesOf(options),
    ga,
    retries,
    pipeline: structuredClone(pipeline)
  };
  if (strategy === 'random') doc.strategy = 'random';
  return doc;
}

/** Whether worker threads or other machines can read the dataset again from its reference. */
function reloadable(pipeline: PipelineDocument): boolean {
  const ref = pipeline.dataset;
  if (!ref) return false;
  return (
    ref.source === 'builtin' || (FILE_SOURCES.concat('npz').includes(ref.source) && !!ref.path)
  );
}

/** The executor factory for the options (each run of the study gets a fresh executor). */
export function executorFor(
  pipeline: PipelineDocument,
  options: ExecutionOptions,
  dataset?: Dataset
): () => TrialExecutor {
  if (options.redis) {
    if (!reloadable(pipeline)) {
      throw new Error(
        `autotune: dataset '${pipeline.dataset?.name}' exists only in this process; Redis workers ` +
          'need a built-in, .npz or folder dataset they can read'
      );
    }
    const url = options.redis;
    return () => new RedisTrialQueue(url, { queue: options.queue });
  }
  const concurrency = options.concurrency;
  if (concurrency === 0 || !reloadable(pipeline)) {
    return () => new InlineExecutor((job, signal) => runTrial(job, { signal, dataset }));
  }
  return () => new ThreadPool({ concurrency });
}

function storageFile(name: string, storage: string | false | undefined): string | undefined {
  if (storage === false) return undefined;
  return path.resolve(storage ?? `${name}.study.jsonl`);
}

/** Starts (or continues, from its journal) a study of a pipeline. */
export function autotune(
  pipeline: PipelineDocument,
  options: AutotuneOptions,
  hooks: { dataset?: Dataset; applyToPipeline?: RunSettings['applyToPipeline'] } = {}
): Study {
  const doc = studyDocument(pipeline, options);
  return Study.start(doc, {
    executor: executorFor(pipeline, options, hooks.dataset),
    storage: storageFile(doc.name, options.storage),
    verbose: options.verbose,
    signal: resolveSignal(options.signal),
    applyToPipeline: hooks.applyToPipeline
  });
}

export interface ResumeOptions extends ExecutionOptions {
  /** The pipeline `apply()` writes into (e.g. the one rebuilt with mf.pipelineFromJSON). */
  pipeline?: { applyTuned(doc: PipelineDocument): void };
}

/** Continues a study from its journal: finished trials are kept, the others run. */
export function resume(file: string, options: ResumeOptions = {}): Study {
  const saved = path.resolve(file);
  return Study.resume(saved, {
    // The journal knows the pipeline, and with it where its dataset can be read.
    executor: executorFor(readJournal(saved).study.pipeline as PipelineDocument, options),
    verbose: options.verbose,
    signal: resolveSignal(options.signal),
    applyToPipeline: options.pipeline ? doc => options.pipeline!.applyTuned(doc) : undefined
  });
}
