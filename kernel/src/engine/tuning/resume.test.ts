// Persistence: a study in a child process (the compiled engine, as a kernel runs it) is killed
// with SIGKILL in the middle; mf.tuning.resume(file) continues it without training the finished
// trials again. A torn last journal line (a crash mid-write) is ignored.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as mf from '../index';
import { packageRoot } from '../data/builtin';
import { writeSubsetNpz } from './fixtures';
import { Journal, readJournal, type JournalLine } from './journal';

let dir: string;
let npz: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medflow-resume-test-'));
  npz = path.join(dir, 'breast.npz');
  await writeSubsetNpz('breastmnist', npz, { train: 96, val: 32, test: 32 });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const lines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(l => JSON.parse(l) as JournalLine);

const trialLines = (file: string) =>
  lines(file).flatMap(l => (l.type === 'trial' ? [l.trial] : []));

test('a study killed mid-way resumes from its journal without redoing finished trials', async () => {
  const engine = path.join(packageRoot(), 'dist', 'kernel', 'engine', 'index.js');
  if (!fs.existsSync(engine))
    throw new Error('dist/kernel is missing: run `npm run build:kernel` first');
  const storage = path.join(dir, 'killed.study.jsonl');
  const script = `
    const mf = require(${JSON.stringify(engine)});
    (async () => {
      const data = await mf.datasets.npz(${JSON.stringify(npz)}, { name: 'breast' });
      const p = mf.pipeline({ name: 'killed', seed: 2 }).input(data).add('rescale', { min: 0, max: 1 })
        .network(mf.networks.builtin('small_cnn', { classes: 2, filters: 4, blocks: 1 }))
        .training({ epochs: 2, batch_size: 16 });
      await p.autotune({ population: 4, generations: 2, elitism: 1, concurrency: 1,
        storage: ${JSON.stringify(storage)}, seed: 6 }).done;
    })();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', d => (output += d));
  child.stderr.on('data', d => (output += d));
  // Kill it once three trials are finished (and before the seventh).
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      const done = fs.existsSync(storage)
        ? trialLines(storage).filter(t => t.status === 'done')
        : [];
      if (done.length >= 3) {
        clearInterval(timer);
        child.kill('SIGKILL');
        resolve();
      }
    }, 20);
    child.on('exit', code => {
      clearInterval(timer);
      if (code !== null)
        reject(new Error(`the study ended before it was killed (${code}):\n${output}`));
    });
  });
  await new Promise(resolve =>
    child.exitCode !== null || child.signalCode ? resolve(null) : child.once('exit', resolve)
  );
  expect(child.signalCode).toBe('SIGKILL');

  const before = readJournal(storage);
  expect(before.status).toBe('running');
  const finished = before.trials.filter(t => t.status === 'done');
  expect(finished.length).toBeGreaterThanOrEqual(3);
  expect(finished.length).toBeLessThan(7);
  const linesBefore = lines(storage).length;

  // Resume in this process, with a pipeline to apply the result to.
  const data = await mf.datasets.npz(npz, { name: 'breast' });
  const p = mf.pipelineFromJSON(before.study.pipeline as never).input(data);
  const study = mf.tuning.resume(storage, { concurrency: 1, verbose: false, pipeline: p });
  const result = await study.done;
  expect(result.status).toBe('done');
  const trials = study.state().trials;
  expect(trials).toHaveLength(7);
  expect(trials.every(t => t.status === 'done')).toBe(true);
  // Finished trials were kept as they were, and nothing started them again.
  for (const t of finished) expect(trials.find(x => x.id === t.id)).toEqual(t);
  const after = lines(storage).slice(linesBefore);
  const restarted = after.filter(
    l => l.type === 'trial' && finished.some(f => f.id === l.trial.id)
  );
  expect(restarted).toEqual([]);
  // Every other trial ran (again) after the resume, once.
  const doneAfter = after.flatMap(l =>
    l.type === 'trial' && l.trial.status === 'done' ? [l.trial.id] : []
  );
  expect(doneAfter.sort()).toEqual(
    trials
      .map(t => t.id)
      .filter(id => !finished.some(f => f.id === id))
      .sort()
  );
  // The journal now reads as a finished study; apply writes the best into the pipeline.
  expect(readJournal(storage).status).toBe('done');
  const best = study.top('val_accuracy', 1)[0];
  study.apply({ trial_id: best.id });
  expect(p.toJSON().training.batch_size).toBe(best.params.batch_size);
});

test('a torn last line is ignored on reading and cut off before appending', () => {
  const file = path.join(dir, 'torn.study.jsonl');
  const doc = { version: 1, name: 'torn', seed: 1 } as never;
  const journal = Journal.create(file, 'id-1', doc);
  const trial = {
    id: 'g0-0',
    generation: 0,
    index: 0,
    params: { a: 1 },
    status: 'done' as const,
    attempts: 1,
    metrics: { val_auc: NaN, val_accuracy: 0.5 }
  };
  journal.append({ type: 'trial', trial });
  journal.close();
  fs.appendFileSync(file, '{"type":"trial","trial":{"id":"g0-1","gen');
  const read = readJournal(file);
  expect(read.trials.map(t => t.id)).toEqual(['g0-0']);
  // NaN metrics are left out (JSON has no NaN).
  expect(read.trials[0].metrics).toEqual({ val_accuracy: 0.5 });
  const reopened = Journal.open(file);
  reopened.append({ type: 'status', status: 'done' });
  reopened.close();
  expect(readJournal(file)).toMatchObject({ id: 'id-1', status: 'done' });
  // A bad line that is not the last one is an error naming the line.
  fs.writeFileSync(
    file,
    fs.readFileSync(file, 'utf8').replace('"status":"done"}', 'oops') + '{}\n'
  );
  expect(() => readJournal(file)).toThrow(
    /torn\.study\.jsonl:3: not a JSON line of a study journal/
  );
  expect(() => readJournal(path.join(dir, 'nope.jsonl'))).toThrow(/ENOENT/);
});
