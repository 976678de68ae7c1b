#!/usr/bin/env node
/**
 * The tuning benchmark: the genetic algorithm against random search with the same trial budget
 * and seeds on BreastMNIST (the built-in set: 546 train / 78 val / 156 test images, 28×28).
 * Each study tunes learning rate, batch size, optimizer, learning-rate decay and the filters of
 * the first convolution of a small CNN; trials train with early stopping on worker threads.
 * Needs `npm run build:kernel`.
 *
 *   node bench/tune.mjs [--seeds 1,2,3] [--population 6] [--generations 4] [--elitism 2]
 *                       [--immigrants 1]
 *                       [--epochs 6] [--metric val_auc] [--concurrency 2] [--json out.json]
 *                       [--keep DIR] [--strategies ga,random]
 *
 * Prints one line per study and a markdown table: the best validation metric each search
 * reached (mean over seeds) and the test metric of each study's winning trial.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const mf = require('../dist/kernel/engine/index.js');

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    population: { type: 'string', default: '6' },
    generations: { type: 'string', default: '4' },
    elitism: { type: 'string', default: '2' },
    immigrants: { type: 'string', default: '1' },
    epochs: { type: 'string', default: '6' },
    metric: { type: 'string', default: 'val_auc' },
    concurrency: { type: 'string', default: String(Math.min(2, cpus().length)) },
    json: { type: 'string' },
    keep: { type: 'string' },
    strategies: { type: 'string', default: 'ga,random' }
  }
});
const seeds = values.seeds.split(',').map(Number);
const metric = values.metric;
const testMetric = metric.replace(/^val_/, 'test_');
const ga = {
  population: Number(values.population),
  generations: Number(values.generations),
  elitism: Number(values.elitism),
  immigrants: Number(values.immigrants)
};

const data = await mf.datasets.load('breastmnist');
const pipeline = mf
  .pipeline({ name: 'breast-bench', seed: 0 })
  .input(data)
  .add('rescale', { min: 0, max: 1 })
  .network(mf.networks.builtin('small_cnn', { classes: 2, filters: 8, blocks: 2 }))
  .training({
    epochs: Number(values.epochs),
    batch_size: 32,
    optimizer: { name: 'adam', lr: 1e-3 }
  });

// --keep DIR keeps the study journals there (for mf.tuning.readJournal), else a temp dir.
const meanOf = xs => xs.reduce((s, x) => s + x, 0) / xs.length;
const dir = values.keep ?? mkdtempSync(path.join(tmpdir(), 'medflow-bench-tune-'));
mkdirSync(dir, { recursive: true });
const rows = [];
const started = performance.now();
try {
  for (const seed of seeds) {
    for (const strategy of values.strategies.split(',')) {
      const t0 = performance.now();
      const study = pipeline.autotune({
        name: `bench-${strategy}-${seed}`,
        strategy,
        seed,
        metric,
        tune: ['learning_rate', 'batch_size', 'optimizer', 'learning_rate_decay', 'conv1.filters'],
        ...ga,
        concurrency: Number(values.concurrency),
        storage: path.join(dir, `${strategy}-${seed}.jsonl`),
        verbose: false
      });
      const result = await study.done;
      if (result.status !== 'done') throw new Error(`study ${study.name} ended ${result.status}`);
      const trials = study.state().trials;
      const best = result.best;
      const row = {
        strategy,
        seed,
        trials: trials.length,
        failed: result.failed,
        best: best.metrics[metric],
        test: best.metrics[testMetric],
        test_accuracy: best.metrics.test_accuracy,
        // How good the search's own proposals are after the shared random start.
        later: meanOf(
          trials.filter(t => t.generation > 0 && t.status === 'done').map(t => t.metrics[metric])
        ),
        winner: best.id,
        params: best.params,
        seconds: (performance.now() - t0) / 1000
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}

if (!values.strategies.includes('ga') || !values.strategies.includes('random')) process.exit(0);
const mean = meanOf;
const f = x => x.toFixed(4);
const of = s => rows.filter(r => r.strategy === s);
const lines = [
  `BreastMNIST, small_cnn (2 blocks, 8 filters), ≤ ${values.epochs} epochs with early stopping; ` +
    `population ${ga.population} × ${ga.generations} generations, elitism ${ga.elitism}, ` +
    `immigrants ${ga.immigrants} → ` +
    `${of('ga')[0].trials} trials per study; ${await mf.backend()}, ${values.concurrency} worker threads; ` +
    `load average ${loadavg()[0].toFixed(2)}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`,
  '',
  `| search | ${seeds.map(s => `best ${metric} (seed ${s})`).join(' | ')} | mean best ${metric} | ${testMetric} of the winners (mean) | test_accuracy of the winners (mean) | mean ${metric} of generations ≥ 1 |`,
  `| --- | ${seeds.map(() => '---').join(' | ')} | --- | --- | --- | --- |`
];
for (const s of ['ga', 'random']) {
  const r = of(s);
  lines.push(
    `| ${s === 'ga' ? 'genetic algorithm' : 'random search'} | ${r.map(x => f(x.best)).join(' | ')} | ` +
      `**${f(mean(r.map(x => x.best)))}** | ${f(mean(r.map(x => x.test)))} | ${f(mean(r.map(x => x.test_accuracy)))} | ${f(mean(r.map(x => x.later)))} |`
  );
}
const gaMean = mean(of('ga').map(x => x.best));
const rsMean = mean(of('random').map(x => x.best));
const winner = gaMean >= rsMean ? 'ga' : 'random';
const overall = rows.filter(r => r.strategy === winner).sort((a, b) => b.best - a.best)[0];
lines.push(
  '',
  `Winner: ${winner === 'ga' ? 'the genetic algorithm' : 'random search'} ` +
    `(mean best ${metric} ${f(gaMean)} vs ${f(rsMean)}); its best study (seed ${overall.seed}, ` +
    `trial ${overall.winner}) reaches ${metric} ${f(overall.best)}, ${testMetric} ${f(overall.test)}, ` +
    `test_accuracy ${f(overall.test_accuracy)}.`
);
console.log('\n' + lines.join('\n'));
if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 2));
process.exit(0);
