/**
 * What a study's trials add up to: one row per trial, per-generation statistics of every
 * metric, the best configurations per metric, and a plain-text summary.
 */
import type { Objective, StudyState, TrialRecord } from '../../../../schema/study';

export interface TrialRow {
  id: string;
  generation: number;
  status: TrialRecord['status'];
  attempts: number;
  seconds?: number;
  worker?: string;
  error?: string;
  [key: string]: unknown;
}

export interface GenerationStats {
  generation: number;
  done: number;
  failed: number;
  /** Per metric: over the generation's finished trials. */
  metrics: Record<string, { max: number; min: number; mean: number }>;
}

/** Which way a metric improves: losses down, everything else up (or as an objective says). */
export function directionOf(metric: string, objectives: readonly Objective[] = []): 'max' | 'min' {
  const o = objectives.find(x => x.metric === metric);
  if (o) return o.direction;
  return /loss|seconds|epochs/.test(metric) ? 'min' : 'max';
}

/** Every trial as a flat row: id, generation, status, parameters, then metrics. */
export function trialTable(state: StudyState): TrialRow[] {
  return state.trials.map(t => {
    const row: TrialRow = {
      id: t.id,
      generation: t.generation,
      status: t.status,
      attempts: t.attempts
    };
    Object.assign(row, t.params);
    Object.assign(row, t.metrics ?? {});
    if (t.seconds !== undefined) row.seconds = t.seconds;
    if (t.worker !== undefined) row.worker = t.worker;
    if (t.error !== undefined) row.error = t.error;
    return row;
  });
}

/** Per generation: counts, and max/min/mean of each metric over its finished trials. */
export function generationStats(state: StudyState): GenerationStats[] {
  const byGen = new Map<number, TrialRecord[]>();
  for (const t of state.trials) {
    if (!byGen.has(t.generation)) byGen.set(t.generation, []);
    byGen.get(t.generation)!.push(t);
  }
  return [...byGen.keys()]
    .sort((a, b) => a - b)
    .map(generation => {
      const trials = byGen.get(generation)!;
      const done = trials.filter(t => t.status === 'done');
      const values = new Map<string, number[]>();
      for (const t of done) {
        for (const [k, v] of Object.entries(t.metrics ?? {})) {
          if (!Number.isFinite(v)) continue;
          if (!values.has(k)) values.set(k, []);
          values.get(k)!.push(v);
        }
      }
      const metrics: GenerationStats['metrics'] = {};
      for (const [k, vs] of values) {
        metrics[k] = {
          max: Math.max(...vs),
          min: Math.min(...vs),
          mean: vs.reduce((s, v) => s + v, 0) / vs.length
        };
      }
      return {
        generation,
        done: done.length,
        failed: trials.filter(t => t.status === 'failed').length,
        metrics
      };
    });
}

/** The `k` best finished trials by a metric (ties: the earlier trial first). */
export function topTrials(state: StudyState, metric: string, k = 5): TrialRecord[] {
  const dir = directionOf(metric, state.study.objectives);
  return state.trials
    .filter(t => t.status === 'done' && Number.isFinite(t.metrics?.[metric]))
    .map((t, i) => ({ t, i }))
    .sort((a, b) => {
      const d = a.t.metrics![metric] - b.t.metrics![metric];
      return d === 0 ? a.i - b.i : dir === 'max' ? -d : d;
    })
    .slice(0, k)
    .map(x => x.t);
}

const fmt = (v: unknown) =>
  typeof v === 'number' && !Number.isInteger(v)
    ? Math.abs(v) < 1e-2 && v !== 0
      ? v.toExponential(2)
      : v.toFixed(4)
    : String(v);

/** A configuration as "learning_rate=1.23e-3 batch_size=32 optimizer=adam". */
export function formatParams(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${fmt(v)}`)
    .join(' ');
}

/** A readable summary: status, trial counts, the best trial per objective. */
export function summary(state: StudyState): string {
  const s = state.study;
  const done = state.trials.filter(t => t.status === 'done').length;
  const failed = state.trials.filter(t => t.status === 'failed').length;
  const tuned = s.space.filter(p => p.tuned).map(p => p.name);
  const lines = [
    `Study '${s.name}' (seed ${s.seed}, ${s.strategy ?? 'ga'}): ${state.status}, ` +
      `${done} trials done, ${failed} failed, ${state.trials.length - done - failed} pending`,
    `  tuning ${tuned.join(', ')}; population ${s.ga.population} × ${s.ga.generations} generations`
  ];
  for (const o of s.objectives) {
    const best = topTrials(state, o.metric, 1)[0];
    lines.push(
      best
        ? `  best ${o.metric} (${o.direction}) ${fmt(best.metrics![o.metric])}: trial ${best.id}  ${formatParams(best.params)}`
        : `  best ${o.metric} (${o.direction}): no finished trial yet`
    );
  }
  return lines.join('\n');
}
