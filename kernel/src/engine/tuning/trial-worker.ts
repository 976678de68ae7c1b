/**
 * A trial worker thread: trains the trials the pool sends it, one at a time, on its own
 * TensorFlow.js backend (every worker thread has its own tfjs engine and wasm instance).
 */
import { parentPort } from 'node:worker_threads';
import { runTrial, type TrialJob, type TrialOutcome } from './trial-runner';

export type WorkerRequest = { type: 'run'; job: TrialJob } | { type: 'cancel'; key: string };

export type WorkerReply =
  | { type: 'done'; key: string; outcome: TrialOutcome }
  | { type: 'failed'; key: string; error: string; cancelled: boolean };

const running = new Map<string, AbortController>();

parentPort!.on('message', (request: WorkerRequest) => {
  if (request.type === 'cancel') {
    running.get(request.key)?.abort();
    return;
  }
  const { job } = request;
  const controller = new AbortController();
  running.set(job.key, controller);
  runTrial(job, { signal: controller.signal })
    .then(
      outcome =>
        parentPort!.postMessage({ type: 'done', key: job.key, outcome } satisfies WorkerReply),
      (error: unknown) => {
        const e = error as Error;
        parentPort!.postMessage({
          type: 'failed',
          key: job.key,
          error: e?.message ?? String(error),
          cancelled: e?.name === 'CancelledError'
        } satisfies WorkerReply);
      }
    )
    .finally(() => running.delete(job.key));
});
