/**
 * The tuning view's model, framework-free (contract: /schema/study.d.ts): applying the
 * kernel's messages to a StudyState, and what the view draws from it — every finished trial
 * as a point with the best-so-far line, per-generation max/min/mean of a metric with its
 * filters, and the top configurations of each metric.
 */
import type { ParamValue, StudyState, StudyStatus, TrialRecord } from './contract';
import type { ReadResult } from '../live/read-result';

export const STUDY_MIME_TYPE = 'application/vnd.medflow.study+json';

const STATUSES: StudyStatus[] = ['idle', 'running', 'stopped', 'done', 'failed'];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function isTrial(v: unknown): v is TrialRecord {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    typeof v.generation === 'number' &&
    typeof v.index === 'number' &&
    isObject(v.params) &&
    typeof v.status === 'string' &&
    (v.metrics === undefined || isObject(v.metrics))
  );
}

/** Checks a StudyState from the kernel or a saved notebook. */
export function readStudyState(raw: unknown): ReadResult<StudyState> {
  if (!isObject(raw)) return { ok: false, reason: 'the study state is not an object' };
  if (!isObject(raw.study) || !Array.isArray((raw.study as { objectives?: unknown }).objectives)) {
    return { ok: false, reason: 'the study document is missing' };
  }
  if (!STATUSES.includes(raw.status as StudyStatus)) {
    return { ok: false, reason: `unknown study status ${JSON.stringify(raw.status)}` };
  }
  if (!Array.isArray(raw.trials) || !raw.trials.every(isTrial)) {
    return { ok: false, reason: 'trials must be a list of trial records' };
  }
  return { ok: true, value: raw as unknown as StudyState };
}

export function readStudyBundle(data: unknown): ReadResult<StudyState> {
  if (!isObject(data)) return { ok: false, reason: 'the output data is not an object' };
  return readStudyState(data.state);
}

/** A kernel message applied to the state (`state` replaces it; unknown messages keep it). */
export function applyStudyMessage(state: StudyState, message: unknown): StudyState {
  if (!isObject(message)) return state;
  if (message.type === 'trial' && isTrial(message.trial)) {
    const trial = message.trial;
    const at = state.trials.findIndex(t => t.id === trial.id);
    const trials =
      at >= 0
        ? state.trials.map((t, i) => (i === at ? trial : t))
        : [...state.trials, trial].sort(byOrder);
    return { ...state, trials };
  }
  if (message.type === 'status' && STATUSES.includes(message.status as StudyStatus)) {
    return { ...state, status: message.status as StudyStatus };
  }
  if (message.type === 'state') {
    const read = readStudyState(message.state);
    return read.ok ? read.value : state;
  }
  return state;
}

function byOrder(a: TrialRecord, b: TrialRecord): number {
  return a.generation - b.generation || a.index - b.index;
}

/** max when the metric is an objective to maximise, or not a loss; min for losses. */
export function directionOf(state: StudyState, metric: string): 'max' | 'min' {
  const objective = state.study.objectives.find(o => o.metric === metric);
  if (objective) return objective.direction;
  return /loss$/.test(metric) ? 'min' : 'max';
}

export function primaryMetric(state: StudyState): string {
  return state.study.objectives[0]?.metric ?? 'val_loss';
}

export type Split = 'train' | 'val' | 'test';

/** Metric keys as trials report them: train ones bare ("loss"), others prefixed ("val_auc"). */
export function metricKey(split: Split, metric: string, cls?: string): string {
  const base = split === 'train' ? metric : `${split}_${metric}`;
  return cls ? `${base}.${cls}` : base;
}

/** The filter choices the trials offer: metrics (bare names), splits, classes, generations. */
export function filterOptions(state: StudyState): {
  metrics: string[];
  splits: Split[];
  classes: string[];
  generations: number[];
} {
  const metrics = new Set<string>();
  const splits = new Set<Split>();
  const classes = new Set<string>();
  const generations = new Set<number>();
  for (const t of state.trials) {
    generations.add(t.generation);
    for (const key of Object.keys(t.metrics ?? {})) {
      // `val_f1.normal/benign`: the metric, then the class (whose name may hold dots).
      const dot = key.indexOf('.');
      const name = dot < 0 ? key : key.slice(0, dot);
      const cls = dot < 0 ? '' : key.slice(dot + 1);
      const m = /^(val|test)_(.+)$/.exec(name);
      if (['epochs', 'best_epoch'].includes(name)) continue;
      splits.add(m ? (m[1] as Split) : 'train');
      metrics.add(m ? m[2] : name);
      if (cls) classes.add(cls);
    }
  }
  const order: Split[] = ['val', 'train', 'test'];
  return {
    metrics: [...metrics].sort(),
    splits: order.filter(s => splits.has(s)),
    classes: [...classes].sort(),
    generations: [...generations].sort((a, b) => a - b)
  };
}

export interface TrialPoint {
  /** 1-based position among the finished trials, in (generation, index) order. */
  x: number;
  y: number;
  id: string;
  generation: number;
}

/** Every finished trial that reports `key`, in order. */
export function trialPoints(state: StudyState, key: string): TrialPoint[] {
  const done = state.trials
    .filter(t => t.status === 'done' && typeof t.metrics?.[key] === 'number')
    .sort(byOrder);
  return done.map((t, i) => ({ x: i + 1, y: t.metrics![key], id: t.id, generation: t.generation }));
}

/** The best value so far at each point (running max or min). */
export function bestSoFar(points: TrialPoint[], direction: 'max' | 'min'): number[] {
  const out: number[] = [];
  for (const p of points) {
    const prev = out[out.length - 1];
    out.push(
      prev === undefined ? p.y : direction === 'max' ? Math.max(prev, p.y) : Math.min(prev, p.y)
    );
  }
  return out;
}

export interface GenerationStats {
  generation: number;
  max: number;
  min: number;
  mean: number;
  count: number;
}

/** Max, min and mean of `key` per generation (only `generation` when given). */
export function generationStats(
  state: StudyState,
  key: string,
  generation?: number
): GenerationStats[] {
  const groups = new Map<number, number[]>();
  for (const p of trialPoints(state, key)) {
    if (generation !== undefined && p.generation !== generation) continue;
    const list = groups.get(p.generation) ?? [];
    list.push(p.y);
    groups.set(p.generation, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([g, ys]) => ({
      generation: g,
      max: Math.max(...ys),
      min: Math.min(...ys),
      mean: ys.reduce((a, b) => a + b, 0) / ys.length,
      count: ys.length
    }));
}

export interface TopRow {
  rank: number;
  id: string;
  value: number;
  params: Record<string, ParamValue>;
}

/** The k best finished trials by `key` (ties: the earlier trial first). */
export function topTrials(state: StudyState, key: string, k = 5): TopRow[] {
  const direction = directionOf(state, key.split('.')[0]);
  const points = trialPoints(state, key);
  const byId = new Map(state.trials.map(t => [t.id, t]));
  return points
    .slice()
    .sort((a, b) => (direction === 'max' ? b.y - a.y : a.y - b.y) || a.x - b.x)
    .slice(0, k)
    .map((p, i) => ({ rank: i + 1, id: p.id, value: p.y, params: byId.get(p.id)!.params }));
}

/** Names of the tuned parameters (the table's columns), in the search space's order. */
export function tunedParameters(state: StudyState): string[] {
  return state.study.space.filter(p => p.tuned).map(p => p.name);
}

/** Counts by status, for the header ("12 done · 2 running · 1 failed"). */
export function trialCounts(state: StudyState): Record<string, number> {
  const counts: Record<string, number> = { queued: 0, running: 0, done: 0, failed: 0 };
  for (const t of state.trials) counts[t.status] = (counts[t.status] ?? 0) + 1;
  return counts;
}

/** Formats a parameter or metric value for the table (numbers to 4 significant digits). */
export function formatValue(v: ParamValue | undefined): string {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    return Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : String(Number(v.toPrecision(4)));
  }
  return v === undefined ? '' : String(v);
}
