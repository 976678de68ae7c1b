/**
 * Trials in parallel on one machine: a pool of worker threads (trial-worker.ts), each training
 * one trial at a time on its own tfjs backend. With several workers, the wasm backend of each
 * gets cores ÷ workers threads (MEDFLOW_WASM_THREADS, unless the user set it), so two workers on
 * two cores do not fight over them. A worker that dies (out of memory, a crash) fails only its
 * trial; the next trial starts a fresh one. Idle workers never keep the process alive.
 */
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelledError } from '../cancel';
import type { TrialJob, TrialOutcome } from './trial-runner';
import type { WorkerReply, WorkerRequest } from './trial-worker';

/** Runs the worker's TypeScript source when the engine itself runs from source (tests). */
const TS_BOOT = `
const ts = require('typescript');
const fs = require('fs');
require.extensions['.ts'] = (m, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: filename
  });
  m._compile(out.outputText, filename);
};
require(require('worker_threads').workerData.file);
`;

export interface TrialExecutor {
  /** Trains one trial; rejects with its error (CancelledError when `signal` stopped it). */
  run(job: TrialJob, signal?: AbortSignal): Promise<TrialOutcome>;
  close(): Promise<void>;
}

interface Task {
  job: TrialJob;
  resolve: (o: TrialOutcome) => void;
  reject: (e: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot {
  name: string;
  worker: Worker;
  task?: Task;
}

export interface ThreadPoolOptions {
  /** Worker threads; default os.availableParallelism(). */
  concurrency?: number;
  /** wasm threads per worker; default max(1, cores ÷ concurrency). */
  threadsPerWorker?: number;
}

export class ThreadPool implements TrialExecutor {
  readonly concurrency: number;
  private readonly threadsPerWorker: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private started = 0;
  private closed = false;

  constructor(options: ThreadPoolOptions = {}) {
    const cores = availableParallelism();
    this.concurrency = options.concurrency ?? cores;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new Error(`autotune: concurrency must be an integer >= 1 (got ${options.concurrency})`);
    }
    this.threadsPerWorker =
      options.threadsPerWorker ?? Math.max(1, Math.floor(cores / this.concurrency));
  }

  run(job: TrialJob, signal?: AbortSignal): Promise<TrialOutcome> {
    if (this.closed) return Promise.reject(new Error('the trial pool is closed'));
    if (signal?.aborted) return Promise.reject(new CancelledError(`trial ${job.trialId}`));
    return new Promise((resolve, reject) => {
      const task: Task = { job, resolve, reject, signal };
      if (signal) {
        task.onAbort = () => {
          const queued = this.queue.indexOf(task);
          if (queued >= 0) {
            this.queue.splice(queued, 1);
            reject(new CancelledError(`trial ${job.trialId}`));
            return;
          }
          const slot = this.slots.find(s => s.task === task);
          slot?.worker.postMessage({ type: 'cancel', key: job.key } satisfies WorkerRequest);
        };
        signal.addEventListener('abort', task.onAbort, { once: true });
      }
      this.queue.push(task);
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find(s => !s.task);
      if (!slot && this.slots.length < this.concurrency) slot = this.startWorker();
      if (!slot) return;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage({ type: 'run', job: task.job } satisfies WorkerRequest);
    }
  }

  private startWorker(): Slot {
    const ext = path.extname(__filename);
    const file = path.join(__dirname, `trial-worker${ext}`);
    const env = { ...process.env };
    env.MEDFLOW_WASM_THREADS ??= String(this.threadsPerWorker);
    const options = { env, workerData: { file } };
    const worker =
      ext === '.ts' ? new Worker(TS_BOOT, { ...options, eval: true }) : new Worker(file, options);
    const slot: Slot = { name: `thread-${++this.started}`, worker };
    this.slots.push(slot);
    worker.on('message', (reply: WorkerReply) => {
      const task = slot.task;
      if (!task || task.job.key !== reply.key) return;
      this.finish(slot, task);
      if (reply.type === 'done') task.resolve({ ...reply.outcome, worker: slot.name });
      else if (reply.cancelled) task.reject(new CancelledError(`trial ${task.job.trialId}`));
      else task.reject(new Error(reply.error));
      this.dispatch();
    });
    const died = (error: Error) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      const task = slot.task;
      if (task) {
        this.finish(slot, task);
        task.reject(error);
      }
      this.dispatch();
    };
    worker.on('error', error =>
      died(new Error(`trial worker ${slot.name} failed: ${error.message}`))
    );
    worker.on('exit', code => died(new Error(`trial worker ${slot.name} exited (code ${code})`)));
    worker.unref();
    return slot;
  }

  private finish(slot: Slot, task: Task): void {
    slot.task = undefined;
    slot.worker.unref();
    if (task.onAbort) task.signal?.removeEventListener('abort', task.onAbort);
  }

  /** Ends the worker threads; queued trials are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('the trial pool was closed'));
    const slots = this.slots.splice(0);
    await Promise.all(slots.map(s => s.worker.terminate()));
  }
}

/** Trials one after another in this thread (threads: 0), e.g. for a dataset only this process has. */
export class InlineExecutor implements TrialExecutor {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly runTrial: (job: TrialJob, signal?: AbortSignal) => Promise<TrialOutcome>
  ) {}

  run(job: TrialJob, signal?: AbortSignal): Promise<TrialOutcome> {
    const next = this.chain.then(() => this.runTrial(job, signal));
    this.chain = next.catch(() => undefined);
    return next.then(o => ({ ...o, worker: o.worker ?? 'inline' }));
  }

  async close(): Promise<void> {}
}
