/**
 * `mf.compare(runA, runB, …)`: runs side by side, as a table and as a grouped bar chart. This is
 * how a user answers "did this preprocessing change help?" in one cell (PRODUCT.md, step 4).
 *
 * The chart is an SVG built here as a string: the notebook shows it as an image (JupyterLab
 * renders image/svg+xml in an <img>, so nothing in it can run), and every label from a run is
 * XML-escaped anyway.
 */
import { MIME_BUNDLE, type MimeBundle } from '../mimebundle';
import type { ClassificationMetrics } from '../metrics/classification';
import type { Run } from './run';

/** The metrics a comparison shows, in order (all in [0, 1], higher is better). */
export const COMPARED_METRICS = [
  'accuracy',
  'sensitivity',
  'specificity',
  'ppv',
  'npv',
  'f1',
  'auc'
] as const;
export type ComparedMetric = (typeof COMPARED_METRICS)[number];

export interface CompareOptions {
  /** Labels of the runs (default: each run's pipeline name, numbered when names repeat). */
  names?: string[];
  /** Which split's metrics to compare: 'test' (default, when every run has it) or 'val'. */
  split?: 'test' | 'val';
}

export interface ComparedRun {
  name: string;
  metrics: Record<ComparedMetric, number>;
  /** Steps of the run's pipeline, e.g. "grayscale → rescale → resize". */
  steps: string;
  network: string;
  epochs: number;
  seconds: number;
}

export class RunComparison {
  readonly split: 'test' | 'val';
  readonly runs: ComparedRun[];

  constructor(runs: Run[], options: CompareOptions = {}) {
    if (runs.length < 2) throw new Error(`compare: give at least two runs (got ${runs.length})`);
    if (options.names && options.names.length !== runs.length) {
      throw new Error(`compare: names has ${options.names.length} entries for ${runs.length} runs`);
    }
    const allHaveTest = runs.every(r => r.metrics.test);
    if (options.split === 'test' && !allHaveTest) {
      throw new Error('compare: split "test" asked for, but not every run has test metrics');
    }
    this.split = options.split ?? (allHaveTest ? 'test' : 'val');
    const names = options.names ?? uniqueNames(runs.map(r => r.pipeline.name));
    this.runs = runs.map((run, i) => {
      const m = (
        this.split === 'test' ? run.metrics.test : run.metrics.val
      ) as ClassificationMetrics;
      return {
        name: names[i],
        metrics: Object.fromEntries(COMPARED_METRICS.map(k => [k, m[k]])) as Record<
          ComparedMetric,
          number
        >,
        steps: run.pipeline.steps.map(s => s.module).join(' → ') || '(no steps)',
        network: run.pipeline.network?.name ?? '?',
        epochs: run.history.length,
        seconds: run.seconds
      };
    });
  }

  /** The run with the highest value of a metric (first one on ties). */
  best(metric: ComparedMetric = 'accuracy'): ComparedRun {
    return this.runs.reduce((a, b) => (b.metrics[metric] > a.metrics[metric] ? b : a));
  }

  /** The compared split and, per run, its metrics and what produced them. */
  toJSON(): { split: string; runs: ComparedRun[] } {
    return { split: this.split, runs: structuredClone(this.runs) };
  }

  toString(): string {
    const header = ['metric', ...this.runs.map(r => r.name)];
    const rows = COMPARED_METRICS.map(k => [
      k,
      ...this.runs.map((r, i) => formatCell(r.metrics[k], i === 0 ? null : this.runs[0].metrics[k]))
    ]);
    const widths = header.map((_, c) => Math.max(...[header, ...rows].map(row => row[c].length)));
    const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c])).join('  ');
    return [
      `${this.split} metrics of ${this.runs.length} runs (change against '${this.runs[0].name}')`,
      line(header),
      ...rows.map(line)
    ].join('\n');
  }

  toMarkdown(): string {
    const esc = (s: string) => s.replace(/[|\\`*_<>[\]]/g, c => `\\${c}`);
    const head = `| ${this.split} metric | ${this.runs.map(r => esc(r.name)).join(' | ')} |`;
    const rule = `|---|${this.runs.map(() => '---:').join('|')}|`;
    const rows = COMPARED_METRICS.map(
      k =>
        `| ${k} | ${this.runs
          .map((r, i) => formatCell(r.metrics[k], i === 0 ? null : this.runs[0].metrics[k]))
          .join(' | ')} |`
    );
    const steps = `| steps | ${this.runs.map(r => esc(r.steps)).join(' | ')} |`;
    const net = `| network, epochs | ${this.runs.map(r => `${esc(r.network)}, ${r.epochs}`).join(' | ')} |`;
    return [head, rule, ...rows, steps, net].join('\n');
  }

  /** A grouped bar chart: one group per metric, one bar per run. */
  toSvg(): string {
    const width = 640;
    const height = 300;
    const left = 40;
    const bottom = 40;
    const top = 30;
    const plotH = height - top - bottom;
    const groupW = (width - left - 10) / COMPARED_METRICS.length;
    const barW = (groupW * 0.8) / this.runs.length;
    const colours = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
    const parts: string[] = [];
    for (let t = 0; t <= 4; t++) {
      const y = top + plotH - (t / 4) * plotH;
      parts.push(
        `<line x1="${left}" x2="${width - 10}" y1="${y}" y2="${y}" stroke="#ccc" stroke-width="0.5"/>`,
        `<text x="${left - 4}" y="${y + 3}" font-size="10" text-anchor="end">${(t / 4).toFixed(2)}</text>`
      );
    }
    COMPARED_METRICS.forEach((k, g) => {
      const x0 = left + g * groupW + groupW * 0.1;
      this.runs.forEach((r, i) => {
        const v = Number.isFinite(r.metrics[k]) ? Math.max(0, Math.min(1, r.metrics[k])) : 0;
        const h = v * plotH;
        parts.push(
          `<rect x="${(x0 + i * barW).toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" ` +
            `width="${(barW - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${colours[i % colours.length]}">` +
            `<title>${xml(r.name)}: ${k} ${fmt(r.metrics[k])}</title></rect>`
        );
      });
      parts.push(
        `<text x="${(x0 + groupW * 0.4).toFixed(1)}" y="${height - bottom + 14}" font-size="11" text-anchor="middle">${k}</text>`
      );
    });
    this.runs.forEach((r, i) => {
      const x = left + i * 150;
      parts.push(
        `<rect x="${x}" y="8" width="10" height="10" fill="${colours[i % colours.length]}"/>`,
        `<text x="${x + 14}" y="17" font-size="11">${xml(truncate(r.name, 22))}</text>`
      );
    });
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `font-family="sans-serif" viewBox="0 0 ${width} ${height}">` +
      `<rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>`
    );
  }

  [MIME_BUNDLE](): MimeBundle {
    return {
      'text/plain': this.toString(),
      'text/markdown': this.toMarkdown(),
      'image/svg+xml': this.toSvg()
    };
  }
}

/** `mf.compare(runA, runB, …)` — the last argument may be options. */
export function compareRuns(...args: Array<Run | CompareOptions>): RunComparison {
  const last = args[args.length - 1];
  const hasOptions = last !== undefined && !('metrics' in last);
  const options = hasOptions ? (last as CompareOptions) : {};
  const runs = (hasOptions ? args.slice(0, -1) : args) as Run[];
  return new RunComparison(runs, options);
}

function uniqueNames(names: string[]): string[] {
  return names.map((n, i) =>
    names.filter(m => m === n).length > 1
      ? `${n} #${names.slice(0, i + 1).filter(m => m === n).length}`
      : n
  );
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : 'n/a';
}

function formatCell(v: number, base: number | null): string {
  if (base === null || !Number.isFinite(v) || !Number.isFinite(base)) return fmt(v);
  const d = v - base;
  return `${fmt(v)} (${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(3)})`;
}

function xml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    c => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string
  );
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
