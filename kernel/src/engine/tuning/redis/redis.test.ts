// Distributed trials against a real redis-server and two real `medflow worker` processes
// (bin/medflow.js, so `npm run build:kernel` first). One worker is SIGKILLed in the middle of a
// trial: BullMQ's stalled-job check hands the trial to the other worker, the study completes,
// and every trial is counted exactly once.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as mf from '../../index';
import { packageRoot } from '../../data/builtin';
import { writeSubsetNpz } from '../fixtures';
import type { JournalLine } from '../journal';

const HAVE_REDIS = spawnSync('redis-server', ['--version']).status === 0;
if (!HAVE_REDIS && !process.env.CI) {
  console.warn(
    'redis tests skipped: redis-server is not installed (apt-get install -y redis-server); CI runs them'
  );
}
const describeRedis = HAVE_REDIS || process.env.CI ? describe : describe.skip;

const BIN = path.join(packageRoot(), 'bin', 'medflow.js');
const children: ChildProcess[] = [];
let dir: string;
let url: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts a child and resolves with it once a line of its output matches `ready`. */
function start(
  cmd: string,
  args: string[],
  ready: RegExp,
  output: string[]
): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${cmd} did not start:\n${output.join('')}`)),
      30000
    );
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (ready.test(output.join(''))) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', code => reject(new Error(`${cmd} exited (${code}):\n${output.join('')}`)));
  });
}

function worker(output: string[]) {
  return start(
    process.execPath,
    [
      BIN,
      'worker',
      '--redis',
      url,
      '--concurrency',
      '1',
      '--lock-duration',
      '2000',
      '--stalled-interval',
      '1000'
    ],
    /medflow worker \S+ ready/,
    output
  );
}

describeRedis('distributed trials on Redis', () => {
  beforeAll(async () => {
    if (!fs.existsSync(path.join(packageRoot(), 'dist', 'kernel', 'cli', 'worker.js'))) {
      throw new Error('dist/kernel is missing or stale: run `npm run build:kernel` first');
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medflow-redis-test-'));
    await writeSubsetNpz('breastmnist', path.join(dir, 'breast.npz'), {
      train: 192,
      val: 48,
      test: 32
    });
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    await start(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      /Ready to accept connections/,
      []
    );
  });

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a worker killed mid-trial: the trial is retried elsewhere, none lost or counted twice', async () => {
    const outA: string[] = [];
    const outB: string[] = [];
    const [a, b] = await Promise.all([worker(outA), worker(outB)]);
    const nameOf = (out: string[]) => /medflow worker (\S+) ready/.exec(out.join(''))![1];
    const [nameA, nameB] = [nameOf(outA), nameOf(outB)];
    expect(nameA).toBe(`${os.hostname()}:${a.pid}`);

    // Kill worker A as soon as it has started a trial (its first: thread start-up and
    // training take seconds, so it is in the middle of it).
    let killed: string | undefined;
    a.stdout!.on('data', () => {
      const m = /: trial (g\d+-\d+) \(attempt 1, start 1\)/.exec(outA.join(''));
      if (m && !killed) {
        killed = m[1];
        setTimeout(() => a.kill('SIGKILL'), 300);
      }
    });

    const data = await mf.datasets.npz(path.join(dir, 'breast.npz'), { name: 'breast' });
    const storage = path.join(dir, 'redis.study.jsonl');
    const p = mf
      .pipeline({ name: 'redis', seed: 1 })
      .input(data)
      .add('rescale', { min: 0, max: 1 })
      .network(mf.networks.builtin('small_cnn', { classes: 2, filters: 8, blocks: 2 }))
      .training({ epochs: 3, batch_size: 16 });
    const study = p.autotune({
      tune: ['learning_rate', 'optimizer'],
      population: 4,
      generations: 1,
      redis: url,
      storage,
      seed: 4,
      verbose: false
    });
    const result = await study.done;
    expect(killed).toBeDefined();
    expect(a.signalCode).toBe('SIGKILL');
    expect(result.status).toBe('done');
    const trials = study.state().trials;
    expect(trials).toHaveLength(4);
    for (const t of trials) {
      expect(t.status).toBe('done');
      expect(Number.isFinite(t.metrics!.val_accuracy)).toBe(true);
      expect([nameA, nameB]).toContain(t.worker);
    }
    // The killed trial was started twice and finished on the surviving worker.
    const retried = trials.find(t => t.id === killed)!;
    expect(retried.attempts).toBe(2);
    expect(retried.worker).toBe(nameB);
    expect(outB.join('')).toMatch(new RegExp(`trial ${killed} \\(attempt 1, start 2\\)`));
    // Exactly one result per trial in the journal.
    const lines = fs
      .readFileSync(storage, 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l) as JournalLine);
    const doneLines = lines.filter(l => l.type === 'trial' && l.trial.status === 'done');
    expect(doneLines.map(l => (l as { trial: { id: string } }).trial.id).sort()).toEqual([
      'g0-0',
      'g0-1',
      'g0-2',
      'g0-3'
    ]);
    b.kill('SIGTERM');
    await new Promise(resolve => b.once('exit', resolve));
    expect(b.exitCode).toBe(0);
    expect(outB.join('')).toMatch(/stopping/);
  });
});
