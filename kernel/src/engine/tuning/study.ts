/**
 * A tuning study: proposes configurations generation by generation (GA or random search),
 * trains them as trials on an executor (worker threads, Redis workers, or inline), retries
 * failed trials, journals every change to disk, and reports progress as events. It starts at
 * once; `await study.done` waits for it, `stop()` and an AbortSignal (or a kernel interrupt of
 * the cell awaiting `done`) stop it, `resume()` continues it, and `apply()` writes a chosen
 * configuration back into the pipeline it came from.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { PipelineDocument } from '../../../../schema/documents';
import type { StudyDocument, StudyState, StudyStatus, TrialRecord } from '../../../../schema/study';
import { ambientSignal, CancelledError } from '../cancel';
import { MIME_BUNDLE, type MimeBundle } from '../mimebundle';
import { GeneticAlgorithm, trialsInGeneration, type Evaluated, type Strategy } from './ga';
import { Journal, readJournal } from './journal';
import { RandomSearch } from './random-search';
import {
  formatParams,
  generationStats,
  summary,
  topTrials,
  trialTable,
  type GenerationStats,
  type TrialRow
} from './results';
import { applyParams, type Params } from './space';
import type { TrialExecutor } from './thread-pool';
import { trialDocument, type TrialJob } from './trial-runner';

export const STUDY_MIME = 'application/vnd.medflow.study+json';

export type StudyEvent =
  | { type: 'trial'; trial: TrialRecord }
  | { type: 'status'; status: StudyStatus }
  | { type: 'applied'; trial_id: string; params: Params };

export interface StudyResult {
  status: StudyStatus;
  /** The best finished trial by the primary objective. */
  best?: TrialRecord;
  done: number;
  failed: number;
}

/** Where trials run and how the study reports; not part of the study document. */
export interface RunSettings {
  /** Makes the executor for a run of the study (called on start and on resume). */
  executor: () => TrialExecutor;
  /** Journal file; undefined: kept in memory only. */
  storage?: string;
  /** One line per finished trial (default true). */
  verbose?: boolean;
  signal?: AbortSignal;
  /** Writes a configuration's document into the pipeline the study came from. */
  applyToPipeline?: (doc: PipelineDocument) => void;
}

export class Study {
  private status: StudyStatus = 'idle';
  private readonly trials = new Map<string, TrialRecord>();
  private readonly listeners = new Set<(e: StudyEvent) => void>();
  private journal: Journal | undefined;
  private controller = new AbortController();
  private running: Promise<StudyResult> = Promise.resolve({ status: 'idle', done: 0, failed: 0 });
  private readonly watched = new WeakSet<AbortSignal>();
  private readonly handlers = new Map<
    string,
    { callback: (payload: never) => void; listener: (e: StudyEvent) => void }[]
  >();

  private constructor(
    readonly id: string,
    private readonly doc: StudyDocument,
    private readonly settings: RunSettings,
    trials: TrialRecord[] = []
  ) {
    for (const t of trials) this.trials.set(t.id, t);
    this.watch(settings.signal);
  }

  /** Starts a new study, or continues the one in `storage` if it holds the same study. */
  static start(doc: StudyDocument, settings: RunSettings): Study {
    if (settings.storage && existsSync(settings.storage)) {
      const saved = readJournal(settings.storage);
      const difference = differingField(saved.study, doc);
      if (difference) {
        throw new Error(
          `autotune: ${settings.storage} holds a different study (its ${difference} differs); ` +
            'pass another storage file, or delete it to start over'
        );
      }
      return Study.continueFrom(saved, settings);
    }
    const id = randomUUID();
    const study = new Study(id, doc, settings);
    if (settings.storage) study.journal = Journal.create(settings.storage, id, doc);
    study.begin();
    return study;
  }

  /** Continues a study from its journal file, keeping every finished trial. */
  static resume(file: string, settings: Omit<RunSettings, 'storage'>): Study {
    return Study.continueFrom(readJournal(file), { ...settings, storage: file });
  }

  private static continueFrom(saved: ReturnType<typeof readJournal>, settings: RunSettings): Study {
    const study = new Study(saved.id, saved.study, settings, saved.trials);
    study.journal = Journal.open(settings.storage!);
    const done = saved.trials.filter(t => t.status === 'done' || t.status === 'failed').length;
    if (settings.verbose ?? true) {
      console.log(
        `resuming study '${saved.study.name}' from ${settings.storage}: ${done} trials finished`
      );
    }
    study.begin();
    return study;
  }

  get name(): string {
    return this.doc.name;
  }

  /**
   * Resolves when the study ends (done, stopped or failed). Interrupting the kernel while a
   * cell awaits it stops the study.
   */
  get done(): Promise<StudyResult> {
    this.watch(ambientSignal());
    return this.running;
  }

  /** The whole state (study document, status, trials), as the tuning view shows it. */
  state(): StudyState {
    return structuredClone({
      study: this.doc,
      status: this.status,
      trials: [...this.trials.values()]
    });
  }

  /** Calls `callback` with each changed trial, each new status, or each applied configuration. */
  on(type: 'trial' | 'status' | 'applied', callback: (payload: never) => void): this {
    const listener = (e: StudyEvent) => {
      if (e.type !== type) return;
      const payload = e.type === 'trial' ? e.trial : e.type === 'status' ? e.status : e;
      (callback as (p: unknown) => void)(payload);
    };
    this.handlers.set(`${type}`, [...(this.handlers.get(type) ?? []), { callback, listener }]);
    this.listeners.add(listener);
    return this;
  }

  off(type: 'trial' | 'status' | 'applied', callback: (payload: never) => void): this {
    const entries = this.handlers.get(type) ?? [];
    for (const entry of entries.filter(e => e.callback === callback)) {
      this.listeners.delete(entry.listener);
    }
    this.handlers.set(
      type,
      entries.filter(e => e.callback !== callback)
    );
    return this;
  }

  /** Every event (trial changes, status changes, applied configurations); returns unsubscribe. */
  subscribe(listener: (e: StudyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops the study: running trials are cancelled and will run again on resume(). */
  stop(): void {
    this.controller.abort();
  }

  /** Continues a stopped or failed study (finished trials are kept). */
  resume(): this {
    const stopping = this.status === 'running' && this.controller.signal.aborted;
    if (this.status === 'done' || (this.status === 'running' && !stopping)) return this;
    this.controller = new AbortController();
    this.begin();
    return this;
  }

  table(): TrialRow[] {
    return trialTable(this.state());
  }

  generations(): GenerationStats[] {
    return generationStats(this.state());
  }

  top(metric: string = this.doc.objectives[0].metric, k = 5): TrialRecord[] {
    return topTrials(this.state(), metric, k);
  }

  /**
   * Writes a configuration into the pipeline the study came from: a trial by id, or the one
   * at `rank` (1 = best) by `metric` (default: the primary objective). Returns its params.
   */
  apply(choice: { metric?: string; rank?: number; trial_id?: string } = {}): Params {
    let trial: TrialRecord | undefined;
    if (choice.trial_id !== undefined) {
      trial = this.trials.get(choice.trial_id);
      if (!trial) throw new Error(`study '${this.name}': no trial '${choice.trial_id}'`);
    } else {
      const metric = choice.metric ?? this.doc.objectives[0].metric;
      const rank = choice.rank ?? 1;
      if (!Number.isInteger(rank) || rank < 1) {
        throw new Error(`study '${this.name}': rank must be an integer >= 1 (got ${rank})`);
      }
      trial = this.top(metric, rank)[rank - 1];
      if (!trial) {
        throw new Error(`study '${this.name}': no finished trial at rank ${rank} by ${metric}`);
      }
    }
    if (!this.settings.applyToPipeline) {
      throw new Error(
        `study '${this.name}' has no pipeline to apply to: resume it with mf.tuning.resume(file, { pipeline })`
      );
    }
    const doc = applyParams(this.doc.pipeline as PipelineDocument, this.doc.space, trial.params);
    this.settings.applyToPipeline(doc);
    const params = { ...trial.params };
    this.emit({ type: 'applied', trial_id: trial.id, params });
    return params;
  }

  toString(): string {
    return summary(this.state());
  }

  [MIME_BUNDLE](): MimeBundle {
    return { 'text/plain': this.toString(), [STUDY_MIME]: { state: this.state() } };
  }

  private watch(signal: AbortSignal | undefined): void {
    if (!signal || this.watched.has(signal)) return;
    this.watched.add(signal);
    if (signal.aborted) this.stop();
    else signal.addEventListener('abort', () => this.stop(), { once: true });
  }

  private emit(event: StudyEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error(
          `study '${this.name}': an event listener failed: ${(error as Error).message}`
        );
      }
    }
  }

  private setStatus(status: StudyStatus): void {
    this.status = status;
    this.journal?.append({ type: 'status', status });
    this.emit({ type: 'status', status });
  }

  private record(trial: TrialRecord): void {
    this.trials.set(trial.id, trial);
    this.journal?.append({ type: 'trial', trial });
    this.emit({ type: 'trial', trial: structuredClone(trial) });
  }

  private begin(): void {
    this.status = 'running';
    const signal = this.controller.signal;
    // After a run that is still stopping: one run at a time.
    this.running = this.running.then(() => this.loop(signal));
    // Unhandled rejections would crash a script: failures are reported through the result.
    this.running.catch(() => undefined);
  }

  private fitness(t: TrialRecord): number {
    const o = this.doc.objectives[0];
    const v = t.status === 'done' ? t.metrics?.[o.metric] : undefined;
    if (v === undefined || !Number.isFinite(v)) return -Infinity;
    return o.direction === 'max' ? v : -v;
  }

  private strategy(): Strategy {
    const { space, ga, seed } = this.doc;
    return this.doc.strategy === 'random'
      ? new RandomSearch(space, ga, seed)
      : new GeneticAlgorithm(space, ga, seed);
  }

  private async loop(signal: AbortSignal): Promise<StudyResult> {
    // Starts after the caller's synchronous code: listeners subscribed right after
    // autotune() see every event from the first one on.
    await null;
    this.setStatus('running');
    let executor: TrialExecutor | undefined;
    try {
      executor = this.settings.executor();
      const strategy = this.strategy();
      for (let g = 0; g < this.doc.ga.generations && !signal.aborted; g++) {
        const generation = this.generationTrials(g, strategy);
        const pending = generation.filter(t => t.status === 'queued' || t.status === 'running');
        await Promise.all(pending.map(t => this.runTrial(t, executor!, signal)));
        if (signal.aborted) break;
        const results: Evaluated[] = this.generationOf(g).map(t => ({
          params: t.params,
          fitness: this.fitness(t)
        }));
        strategy.observe(g, results);
      }
      this.setStatus(signal.aborted ? 'stopped' : 'done');
    } catch (error) {
      if (this.settings.verbose ?? true) {
        console.error(`study '${this.name}' failed: ${(error as Error).message}`);
      }
      this.setStatus('failed');
    } finally {
      await executor?.close();
    }
    const state = this.state();
    const best = topTrials(state, this.doc.objectives[0].metric, 1)[0];
    return {
      status: this.status,
      best,
      done: state.trials.filter(t => t.status === 'done').length,
      failed: state.trials.filter(t => t.status === 'failed').length
    };
  }

  private generationOf(g: number): TrialRecord[] {
    return [...this.trials.values()]
      .filter(t => t.generation === g)
      .sort((a, b) => a.index - b.index);
  }

  /** The trials of generation g: from the journal, with any missing proposals added. */
  private generationTrials(g: number, strategy: Strategy): TrialRecord[] {
    const existing = this.generationOf(g);
    const expected = trialsInGeneration(this.doc.ga, g);
    if (existing.length < expected) {
      const proposals = strategy.propose(g);
      for (let index = 0; index < expected; index++) {
        if (existing.some(t => t.index === index)) continue;
        this.record({
          id: `g${g}-${index}`,
          generation: g,
          index,
          params: proposals[index],
          status: 'queued',
          attempts: 0
        });
      }
    }
    return this.generationOf(g);
  }

  private job(trial: TrialRecord): TrialJob {
    return {
      key: `${this.id}:${trial.id}:${trial.attempts}`,
      trialId: trial.id,
      attempt: trial.attempts,
      pipeline: trialDocument(
        this.doc.pipeline as PipelineDocument,
        this.doc.space,
        trial.params,
        this.doc.objectives
      )
    };
  }

  private async runTrial(trial: TrialRecord, executor: TrialExecutor, signal: AbortSignal) {
    const verbose = this.settings.verbose ?? true;
    let current = trial;
    for (;;) {
      current = { ...current, status: 'running', attempts: current.attempts + 1 };
      delete current.error;
      delete current.worker;
      delete current.backend;
      this.record(current);
      try {
        const outcome = await executor.run(this.job(current), signal);
        current = {
          ...current,
          status: 'done',
          metrics: outcome.metrics,
          history: outcome.history,
          seconds: outcome.seconds,
          worker: outcome.worker,
          ...(outcome.backend !== undefined && { backend: outcome.backend }),
          attempts: current.attempts + (outcome.restarts ?? 0)
        };
        this.record(current);
        if (verbose) console.log(this.trialLine(current));
        return;
      } catch (error) {
        if (signal.aborted || error instanceof CancelledError) {
          // Not a failure of the configuration: it runs again on resume.
          this.record({ ...current, status: 'queued', attempts: current.attempts - 1 });
          return;
        }
        const message = (error as Error)?.message ?? String(error);
        const last = current.attempts > this.doc.retries;
        current = { ...current, status: last ? 'failed' : 'running', error: message };
        if (last) {
          this.record(current);
          if (verbose) console.log(this.trialLine(current));
          return;
        }
        if (verbose) {
          console.log(
            `trial ${current.id} attempt ${current.attempts} failed (${message}); retrying`
          );
        }
      }
    }
  }

  private trialLine(t: TrialRecord): string {
    const o = this.doc.objectives[0];
    const params = formatParams(t.params);
    if (t.status === 'failed') {
      return `trial ${t.id} failed after ${t.attempts} attempt${t.attempts === 1 ? '' : 's'}: ${t.error}  ${params}`;
    }
    const best = this.top(o.metric, 1)[0];
    const value = t.metrics?.[o.metric];
    const v = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(4));
    const done = [...this.trials.values()].filter(
      x => x.status === 'done' || x.status === 'failed'
    ).length;
    const total = this.totalTrials();
    return (
      `trial ${t.id} (${done}/${total}) ${o.metric} ${v(value)}  best ${v(best?.metrics?.[o.metric])} ` +
      `(${best?.id})  ${(t.seconds ?? 0).toFixed(1)} s on ${t.worker}  ${params}`
    );
  }

  private totalTrials(): number {
    let n = 0;
    for (let g = 0; g < this.doc.ga.generations; g++) n += trialsInGeneration(this.doc.ga, g);
    return n;
  }
}

/** The first top-level field in which two study documents differ, or undefined. */
function differingField(a: StudyDocument, b: StudyDocument): string | undefined {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof StudyDocument>;
  for (const k of keys) {
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) return k;
  }
  return undefined;
}
