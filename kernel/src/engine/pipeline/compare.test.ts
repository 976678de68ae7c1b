/**
 * mf.compare on two real runs of BreastMNIST (raw images vs. rescaled), one epoch each: the
 * table holds each run's own test metrics, the change against the first run, and the chart's
 * labels are escaped.
 */
import { loadBuiltin } from '../data/builtin';
import { ensureBackend } from '../backend';
import { smallCnn } from '../networks/small_cnn';
import { Pipeline } from './pipeline';
import { MIME_BUNDLE } from '../mimebundle';
import { compareRuns, RunComparison } from './compare';
import type { Run } from './run';

let raw: Run;
let rescaled: Run;

beforeAll(async () => {
  await ensureBackend();
  const data = await loadBuiltin('breastmnist');
  const train = (name: string, steps: string[]) => {
    const p = new Pipeline({ name, seed: 3 }).input(data);
    for (const s of steps) p.add(s);
    return p
      .network(smallCnn({ classes: 2, filters: 4, blocks: 1 }))
      .training({ epochs: 1, batch_size: 64 })
      .train({ verbose: false });
  };
  raw = await train('raw <b>', []);
  rescaled = await train('rescaled', ['rescale']);
}, 120_000);

test('puts each run’s own test metrics side by side with the change against the first', () => {
  const c = compareRuns(raw, rescaled);
  expect(c.split).toBe('test');
  expect(c.runs.map(r => r.name)).toEqual(['raw <b>', 'rescaled']);
  expect(c.runs[1].metrics.accuracy).toBe(rescaled.metrics.test?.accuracy);
  expect(c.runs[0].metrics.auc).toBe(raw.metrics.test?.auc);
  expect(c.runs[1].steps).toBe('rescale');
  const text = c.toString();
  const d = (rescaled.metrics.test?.specificity ?? 0) - (raw.metrics.test?.specificity ?? 0);
  expect(text).toContain(
    `${(rescaled.metrics.test?.specificity ?? 0).toFixed(3)} (${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(3)})`
  );
  const best = c.best('accuracy');
  expect(best.metrics.accuracy).toBe(
    Math.max(raw.metrics.test!.accuracy, rescaled.metrics.test!.accuracy)
  );
});

test('shows as a markdown table and an SVG chart with escaped labels', () => {
  const bundle = new RunComparison([raw, rescaled])[MIME_BUNDLE]();
  const md = bundle['text/markdown'] as string;
  expect(md.split('\n')[0]).toBe('| test metric | raw \\<b\\> | rescaled |');
  const svg = bundle['image/svg+xml'] as string;
  expect(svg).toContain('raw &lt;b&gt;');
  expect(svg).not.toContain('<b>');
  // One bar per run and metric.
  expect(svg.match(/<\/title><\/rect>/g)).toHaveLength(2 * 7);
});

test('refuses what cannot be compared, saying why', () => {
  expect(() => compareRuns(raw)).toThrow('compare: give at least two runs (got 1)');
  expect(() => compareRuns(raw, rescaled, { names: ['a'] })).toThrow(
    'compare: names has 1 entries for 2 runs'
  );
  expect(compareRuns(raw, rescaled, { split: 'val', names: ['A', 'B'] }).runs[0]).toMatchObject({
    name: 'A',
    metrics: { accuracy: raw.metrics.val.accuracy }
  });
});
