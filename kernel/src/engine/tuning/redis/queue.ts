/**
 * The study controller's side of distributed trials: each trial attempt becomes one BullMQ job
 * (its id made from study id, trial id and attempt), `medflow worker --redis URL` processes
 * train them anywhere, and results come back through BullMQ's queue events. A worker that
 * dies in the middle of a trial loses its job lock; BullMQ's stalled-job check then gives the
 * job to another worker. Each result is taken once per (trial, attempt): a second report of the
 * same job is counted in `duplicates` and ignored.
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import { CancelledError } from '../../cancel';
import type { TrialExecutor } from '../thread-pool';
import type { TrialJob, TrialOutcome } from '../trial-runner';
import { connection, DEFAULT_QUEUE, jobId } from './connection';

interface Waiter {
  resolve: (o: TrialOutcome) => void;
  reject: (e: Error) => void;
}

export class RedisTrialQueue implements TrialExecutor {
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly ready: Promise<unknown>;
  private readonly waiting = new Map<string, Waiter>();
  private readonly settled = new Set<string>();
  /** Results reported again for a job already settled (ignored). */
  duplicates = 0;

  constructor(url: string, options: { queue?: string } = {}) {
    const name = options.queue ?? DEFAULT_QUEUE;
    this.queue = new Queue(name, { connection: connection(url) });
    this.events = new QueueEvents(name, { connection: connection(url) });
    this.events.on('completed', ({ jobId: id, returnvalue }) => {
      const value = typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue;
      this.settle(id, waiter => waiter.resolve(value as TrialOutcome));
    });
    this.events.on('failed', ({ jobId: id, failedReason }) => {
      this.settle(id, waiter => waiter.reject(new Error(failedReason)));
    });
    // Connection errors surface through the rejected `ready` and failing adds.
    this.queue.on('error', () => undefined);
    this.events.on('error', () => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`cannot reach Redis at ${url} (no answer within 15 s)`)),
        15000
      );
    });
    this.ready = Promise.race([
      Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]),
      timeout
    ]).finally(() => clearTimeout(timer));
    this.ready.catch(() => undefined);
  }

  private settle(id: string, how: (waiter: Waiter) => void): void {
    if (this.settled.has(id)) {
      this.duplicates++;
      return;
    }
    const waiter = this.waiting.get(id);
    if (!waiter) return;
    this.settled.add(id);
    this.waiting.delete(id);
    how(waiter);
  }

  async run(job: TrialJob, signal?: AbortSignal): Promise<TrialOutcome> {
    await this.ready;
    const id = jobId(job.key);
    const result = new Promise<TrialOutcome>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
    });
    const onAbort = () => {
      this.settle(id, waiter => waiter.reject(new CancelledError(`trial ${job.trialId}`)));
      // A job no worker has taken yet is withdrawn; a running one finishes unheard.
      void Job.fromId(this.queue, id)
        .then(j => j?.remove())
        .catch(() => undefined);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // The same id is added once: a resumed controller finds a finished job's result below.
      await this.queue.add('trial', job, {
        jobId: id,
        attempts: 1,
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 }
      });
      const existing = await Job.fromId<TrialJob, TrialOutcome>(this.queue, id);
      if (existing && (await existing.isCompleted())) {
        this.settle(id, waiter => waiter.resolve(existing.returnvalue));
      } else if (existing && (await existing.isFailed())) {
        this.settle(id, waiter => waiter.reject(new Error(existing.failedReason)));
      }
      if (signal?.aborted) onAbort();
      return await result;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.waiting.delete(id);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }
}
