/**
 * `medflow worker --redis URL [--concurrency N]`: trains the trials of distributed tuning
 * studies on this machine until stopped (Ctrl+C or SIGTERM finish the running trials' jobs
 * gracefully; a killed worker's trials are taken over by the other workers).
 */
import { parseArgs } from 'node:util';

export const WORKER_USAGE = `usage: medflow worker --redis URL [--concurrency N] [--queue NAME]
                     [--lock-duration MS] [--stalled-interval MS]`;

function positiveInt(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`medflow worker: ${option} must be a positive integer (got '${value}')`);
  }
  return n;
}

export async function runWorkerCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      redis: { type: 'string' },
      concurrency: { type: 'string' },
      queue: { type: 'string' },
      'lock-duration': { type: 'string' },
      'stalled-interval': { type: 'string' }
    }
  });
  if (!values.redis) {
    console.error(`medflow worker: missing --redis URL\n${WORKER_USAGE}`);
    return 2;
  }
  let options;
  try {
    options = {
      url: values.redis,
      queue: values.queue,
      concurrency: positiveInt(values.concurrency, '--concurrency'),
      lockDuration: positiveInt(values['lock-duration'], '--lock-duration'),
      stalledInterval: positiveInt(values['stalled-interval'], '--stalled-interval')
    };
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  // Loaded lazily: the worker pulls in BullMQ and (on its threads) tfjs.
  const { startRedisWorker } = await import('../engine/tuning/redis/worker');
  const worker = await startRedisWorker(options);
  await new Promise<void>(resolve => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log(`medflow worker ${worker.name} stopping`);
  await worker.close();
  return 0;
}
