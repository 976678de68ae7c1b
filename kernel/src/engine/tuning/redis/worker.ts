/**
 * A trial worker for distributed studies (`medflow worker --redis URL`): takes trial jobs from
 * the BullMQ queue and trains each on a worker thread, so this process's event loop stays free
 * to renew the job locks while tfjs computes. The data must be readable here (a built-in
 * dataset, or the same .npz/folder path as on the controller's machine).
 */
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import { ThreadPool } from '../thread-pool';
import type { TrialJob, TrialOutcome } from '../trial-runner';
import { connection, DEFAULT_QUEUE } from './connection';

export interface RedisWorkerOptions {
  url: string;
  /** Trials trained at once (default: the number of cores). */
  concurrency?: number;
  queue?: string;
  /** Milliseconds a job lock lasts without renewal (BullMQ default 30000). */
  lockDuration?: number;
  /** Milliseconds between checks for jobs whose worker died (BullMQ default 30000). */
  stalledInterval?: number;
  log?: (line: string) => void;
}

export interface RunningWorker {
  /** "host:pid", as trials record it. */
  name: string;
  close(): Promise<void>;
}

export async function startRedisWorker(options: RedisWorkerOptions): Promise<RunningWorker> {
  const name = `${hostname()}:${process.pid}`;
  const log = options.log ?? (line => console.log(line));
  const pool = new ThreadPool({ concurrency: options.concurrency });
  const worker = new Worker<TrialJob, TrialOutcome>(
    options.queue ?? DEFAULT_QUEUE,
    async job => {
      log(
        `${name}: trial ${job.data.trialId} (attempt ${job.data.attempt}, start ${job.attemptsStarted})`
      );
      const outcome = await pool.run(job.data);
      log(`${name}: trial ${job.data.trialId} done in ${outcome.seconds.toFixed(1)} s`);
      return { ...outcome, worker: name, restarts: Math.max(0, job.attemptsStarted - 1) };
    },
    {
      connection: connection(options.url),
      concurrency: pool.concurrency,
      maxStalledCount: 1,
      // Only when given: an explicit undefined would replace BullMQ's defaults.
      ...(options.lockDuration !== undefined && { lockDuration: options.lockDuration }),
      ...(options.stalledInterval !== undefined && { stalledInterval: options.stalledInterval })
    }
  );
  worker.on('failed', (job, error) => {
    if (job) log(`${name}: trial ${job.data.trialId} failed: ${error.message}`);
  });
  worker.on('error', error => log(`${name}: ${error.message}`));
  await worker.waitUntilReady();
  log(
    `medflow worker ${name} ready (queue ${options.queue ?? DEFAULT_QUEUE}, concurrency ${pool.concurrency})`
  );
  return {
    name,
    async close() {
      await worker.close();
      await pool.close();
    }
  };
}
