// Studies on real data (a 96-image subset of BreastMNIST as .npz) with a tiny CNN: trials on
// worker threads, failed trials recorded and retried, journal after every change, results API,
// apply into the pipeline, the MIME bundle, and stop/resume.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StudyState, TrialRecord } from '../../../../schema/study';
import Ajv from 'ajv';
import { runWithSignal } from '../cancel';
import { packageRoot } from '../data/builtin';
import * as mf from '../index';
import { writeSubsetNpz } from './fixtures';
import { readJournal } from './journal';
import type { StudyEvent } from './study';

let dir: string;
let npz: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medflow-study-test-'));
  npz = path.join(dir, 'breast-small.npz');
  await writeSubsetNpz('breastmnist', npz, { train: 64, val: 32, test: 32 });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function tinyPipeline(name = 'tiny') {
  const data = await mf.datasets.npz(npz, {
    name: 'breast-small',
    classes: ['malignant', 'benign']
  });
  return mf
    .pipeline({ name, seed: 3 })
    .input(data)
    .add('rescale', { min: 0, max: 1 })
    .network(mf.networks.builtin('small_cnn', { classes: 2, filters: 4, blocks: 1 }))
    .training({ epochs: 2, batch_size: 16, optimizer: { name: 'adam', lr: 1e-3 } });
}

test('a study trains every trial on worker threads, journals it and reports results', async () => {
  const p = await tinyPipeline();
  const storage = path.join(dir, 'threads.study.jsonl');
  const events: StudyEvent[] = [];
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    lines.push(a.join(' '));
  });
  const study = p.autotune({
    tune: ['learning_rate', 'batch_size', 'optimizer'],
    metric: ['val_accuracy', 'val_loss'],
    population: 4,
    generations: 2,
    elitism: 1,
    concurrency: 2,
    storage,
    seed: 5
  });
  study.subscribe(e => events.push(e));
  const result = await study.done;
  log.mockRestore();
  expect(result.status).toBe('done');
  // 4 trials, then 4 - 1 elite.
  expect(result.done).toBe(7);
  const state: StudyState = study.state();
  expect(state.status).toBe('done');
  expect(state.trials.map(t => t.id)).toEqual([
    'g0-0',
    'g0-1',
    'g0-2',
    'g0-3',
    'g1-0',
    'g1-1',
    'g1-2'
  ]);
  const workers = new Set<string>();
  for (const t of state.trials) {
    expect(t.status).toBe('done');
    expect(t.attempts).toBe(1);
    expect(Object.keys(t.params).sort()).toEqual(['batch_size', 'learning_rate', 'optimizer']);
    expect(t.metrics!.val_accuracy).toBeGreaterThanOrEqual(0);
    expect(t.metrics!.val_accuracy).toBeLessThanOrEqual(1);
    expect(t.metrics!.test_accuracy).toBeDefined();
    // Per class too (the tuning view's class filter), one-vs-rest.
    for (const cls of ['malignant', 'benign']) {
      expect(t.metrics![`val_f1.${cls}`]).toBeGreaterThanOrEqual(0);
      expect(t.metrics![`val_sensitivity.${cls}`]).toBeLessThanOrEqual(1);
    }
    expect(t.history!.length).toBe(t.metrics!.epochs);
    expect(t.history![0].epoch).toBe(1);
    workers.add(t.worker!);
  }
  expect([...workers].every(w => /^thread-\d+$/.test(w))).toBe(true);
  // Two workers share the cores: each wasm backend gets cores ÷ 2 threads (1 on 2 cores).
  const threads = Math.max(1, Math.floor(os.availableParallelism() / 2));
  for (const t of state.trials) {
    if (t.backend!.startsWith('wasm')) {
      expect(t.backend).toMatch(new RegExp(`^wasm \\(${threads} threads?`));
    }
  }
  expect(workers.size).toBe(2);
  // One progress line per finished trial.
  expect(lines.filter(l => /^trial g\d-\d \(\d\/7\) val_accuracy/.test(l))).toHaveLength(7);
  // Events: running and done per trial, and the status changes.
  const trialEvents = events.filter(e => e.type === 'trial') as { trial: TrialRecord }[];
  expect(trialEvents.filter(e => e.trial.status === 'done')).toHaveLength(7);
  expect(trialEvents.filter(e => e.trial.status === 'queued')).toHaveLength(7);
  expect(trialEvents.filter(e => e.trial.status === 'running')).toHaveLength(7);
  expect(
    events.filter(e => e.type === 'status').map(e => (e as { status: string }).status)
  ).toEqual(['running', 'done']);
  // The state is a valid study document (schema/study.schema.json, shared with the view).
  const schema = JSON.parse(
    fs.readFileSync(path.join(packageRoot(), 'schema', 'study.schema.json'), 'utf8')
  );
  const validate = new Ajv({ strict: false }).compile(schema);
  expect(validate(JSON.parse(JSON.stringify(state)))).toBe(true);
  expect(validate({ ...state, status: 'paused' })).toBe(false);
  // The journal holds the same state.
  const saved = readJournal(storage);
  expect(saved.status).toBe('done');
  expect(saved.trials).toEqual(JSON.parse(JSON.stringify(state.trials)));
  expect(saved.study).toEqual(JSON.parse(JSON.stringify(state.study)));

  // Results API.
  const table = study.table();
  expect(table).toHaveLength(7);
  expect(table[0]).toMatchObject({ id: 'g0-0', generation: 0, status: 'done' });
  expect(typeof table[0].learning_rate).toBe('number');
  const gens = study.generations();
  expect(gens.map(g => g.done)).toEqual([4, 3]);
  const acc0 = state.trials.filter(t => t.generation === 0).map(t => t.metrics!.val_accuracy);
  expect(gens[0].metrics.val_accuracy.max).toBe(Math.max(...acc0));
  expect(gens[0].metrics.val_accuracy.min).toBe(Math.min(...acc0));
  expect(gens[0].metrics.val_accuracy.mean).toBeCloseTo(acc0.reduce((s, v) => s + v, 0) / 4, 12);
  const topLoss = study.top('val_loss', 5);
  expect(topLoss).toHaveLength(5);
  for (let i = 1; i < topLoss.length; i++) {
    expect(topLoss[i].metrics!.val_loss).toBeGreaterThanOrEqual(topLoss[i - 1].metrics!.val_loss);
  }

  // Apply the best by val_loss: the pipeline's training settings change to its values.
  const best = topLoss[0];
  const applied = study.apply({ metric: 'val_loss', rank: 1 });
  expect(applied).toEqual(best.params);
  const doc = p.toJSON();
  expect(doc.training.batch_size).toBe(best.params.batch_size);
  expect((doc.training.optimizer as { name: string; lr: number }).lr).toBe(
    best.params.learning_rate
  );
  expect((doc.training.optimizer as { name: string }).name).toBe(best.params.optimizer);
  expect(events.at(-1)).toEqual({ type: 'applied', trial_id: best.id, params: best.params });

  // Display: a summary and the contract's bundle.
  const bundle = study[Symbol.for('jupyter.mimebundle') as never] as unknown as () => Record<
    string,
    unknown
  >;
  const shown = bundle.call(study);
  expect(shown['text/plain']).toMatch(
    /Study 'tiny-tuning' \(seed 5, ga\): done, 7 trials done, 0 failed/
  );
  expect(shown['text/plain']).toMatch(/best val_loss \(min\)/);
  expect(shown['application/vnd.medflow.study+json']).toEqual({
    state: study.state(),
    live: { target: 'medflow.study', id: expect.any(String) }
  });

  // Autotune again with the same storage: nothing is trained again.
  const again = (await tinyPipeline()).autotune({
    tune: ['learning_rate', 'batch_size', 'optimizer'],
    metric: ['val_accuracy', 'val_loss'],
    population: 4,
    generations: 2,
    elitism: 1,
    concurrency: 2,
    storage,
    seed: 5,
    verbose: false
  });
  expect((await again.done).done).toBe(7);
  expect(again.state().trials).toEqual(state.trials);
  // A different study in the same file is refused by name.
  expect(() => p.autotune({ storage, population: 3, seed: 5, verbose: false })).toThrow(
    /holds a different study \(its (space|ga|pipeline) differs\)/
  );
});

test('failed trials are recorded with their error, retried, and do not stop the study', async () => {
  const p = (await tinyPipeline('crop')).add('center_crop', { height: 20, width: 20 });
  const study = p.autotune({
    // Crops above 28×28 fail in preprocessing: a real error of the configuration.
    tune: ['center_crop_1.height'],
    space: { 'center_crop_1.height': { low: 16, high: 40 } },
    population: 6,
    generations: 1,
    retries: 1,
    concurrency: 1,
    storage: false,
    seed: 2,
    verbose: false
  });
  const result = await study.done;
  expect(result.status).toBe('done');
  const trials = study.state().trials;
  const failed = trials.filter(t => t.status === 'failed');
  const done = trials.filter(t => t.status === 'done');
  expect(failed.length).toBeGreaterThan(0);
  expect(done.length).toBeGreaterThan(0);
  for (const t of failed) {
    expect(t.params['center_crop_1.height']).toBeGreaterThan(28);
    expect(t.error).toMatch(/center_crop: \d+×20 is larger than the image \(28×28\)/);
    expect(t.attempts).toBe(2); // one retry
  }
  for (const t of done) {
    expect(t.params['center_crop_1.height']).toBeLessThanOrEqual(28);
    expect(t.attempts).toBe(1);
  }
  expect(result.failed).toBe(failed.length);
  expect(study.toString()).toMatch(
    new RegExp(`${done.length} trials done, ${failed.length} failed`)
  );
});

test('stop() cancels running trials; resume() finishes without redoing finished ones', async () => {
  const p = await tinyPipeline('stop');
  const study = p.autotune({
    population: 4,
    generations: 1,
    concurrency: 1,
    storage: false,
    seed: 8,
    verbose: false
  });
  let stopped = false;
  study.subscribe(e => {
    if (e.type === 'trial' && e.trial.status === 'done' && !stopped) {
      stopped = true;
      study.stop();
    }
  });
  const first = await study.done;
  expect(first.status).toBe('stopped');
  const afterStop = study.state().trials;
  const finished = afterStop.filter(t => t.status === 'done');
  expect(finished.length).toBeGreaterThanOrEqual(1);
  expect(finished.length).toBeLessThan(4);
  expect(afterStop.filter(t => t.status !== 'done').every(t => t.status === 'queued')).toBe(true);
  // stop() then resume() at once: the new run waits for the stopping one.
  study.stop();
  study.resume();
  const second = await study.resume().done;
  expect(second.status).toBe('done');
  const final = study.state().trials;
  expect(final.every(t => t.status === 'done')).toBe(true);
  for (const t of finished) expect(final.find(x => x.id === t.id)).toEqual(t);
});

test('interrupting the cell that awaits study.done stops the study', async () => {
  const p = await tinyPipeline('interrupt');
  const study = p.autotune({
    population: 4,
    generations: 1,
    concurrency: 1,
    storage: false,
    verbose: false
  });
  const cell = new AbortController();
  // As the kernel runs a cell: `await study.done` inside the cell's ambient signal.
  const waiting = runWithSignal(cell.signal, () => study.done);
  study.subscribe(e => {
    if (e.type === 'trial' && e.trial.status === 'running') cell.abort();
  });
  const statuses: string[] = [];
  const onStatus = (s: string) => statuses.push(s);
  const ignored = (s: string) => statuses.push(`ignored ${s}`);
  study.on('status', onStatus as never).on('status', ignored as never);
  study.off('status', ignored as never);
  const result = await waiting;
  expect(result.status).toBe('stopped');
  expect(statuses).toEqual(['running', 'stopped']);
  expect(result.done).toBe(0);
  expect(study.state().trials.every(t => t.status === 'queued' && t.attempts === 0)).toBe(true);
});

test('bad options are refused with the option named', async () => {
  const p = await tinyPipeline('bad');
  expect(() => p.autotune({ tune: ['nope'], storage: false })).toThrow(
    /cannot tune 'nope': no such parameter/
  );
  expect(() => p.autotune({ population: 0, storage: false })).toThrow(
    /population must be an integer >= 1/
  );
  expect(() => p.autotune({ mutation_rate: 2, storage: false })).toThrow(
    /mutation_rate must be in \[0, 1\]/
  );
  expect(() =>
    p.autotune({ space: { learning_rate: { low: 0, high: 1 } }, storage: false })
  ).toThrow(/learning_rate.*log-float parameter needs low > 0/);
  expect(() => p.autotune({ space: { optimizer: { low: 1 } }, storage: false })).toThrow(
    /optimizer' is categorical: give choices/
  );
  expect(() => p.autotune({ populaton: 3 } as never)).toThrow(/unknown option 'populaton'/);
});
