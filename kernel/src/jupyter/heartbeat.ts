import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as zmq from 'zeromq';
import { log } from './log';

/**
 * The heartbeat echo runs in its own worker thread, with its own ZeroMQ socket, so a cell that
 * keeps the main thread busy (a long synchronous loop) does not make Jupyter think the kernel
 * died and restart it — the same reason ipykernel runs its heartbeat in a thread.
 */
interface HeartbeatData {
  role: 'heartbeat';
  endpoint: string;
  ipv6: boolean;
}

export interface Heartbeat {
  /** Close the socket and let the thread end (terminating a thread that is inside a ZeroMQ
   * call aborts the whole process, so the thread closes its own socket). */
  stop(): Promise<void>;
}

export function startHeartbeat(endpoint: string, ipv6: boolean): Promise<Heartbeat> {
  const worker = new Worker(__filename, {
    workerData: { role: 'heartbeat', endpoint, ipv6 } satisfies HeartbeatData
  });
  // The echo thread must never keep a kernel alive that is otherwise finished.
  worker.unref();
  worker.on('error', err => log(`heartbeat thread failed: ${err.message}`));
  return new Promise((resolve, reject) => {
    const stop = (): Promise<void> =>
      new Promise(done => {
        worker.once('exit', () => done());
        // Keep the process alive until the thread has closed its socket: a process exiting
        // under a live ZeroMQ socket in a thread can abort.
        worker.ref();
        worker.postMessage('stop');
      });
    worker.once('message', (m: { bound?: boolean; error?: string }) =>
      m.bound ? resolve({ stop }) : reject(new Error(`heartbeat: ${m.error}`))
    );
    worker.once('error', reject);
  });
}

async function echo({ endpoint, ipv6 }: HeartbeatData): Promise<void> {
  const socket = new zmq.Reply();
  socket.linger = 0;
  if (ipv6) socket.ipv6 = true;
  try {
    await socket.bind(endpoint);
  } catch (err) {
    parentPort!.postMessage({ error: (err as Error).message });
    return;
  }
  parentPort!.on('message', () => socket.close());
  parentPort!.postMessage({ bound: true });
  try {
    for await (const frames of socket) await socket.send(frames);
  } catch (err) {
    if (!socket.closed) throw err;
  }
  parentPort!.close();
}

if (!isMainThread && (workerData as Partial<HeartbeatData> | null)?.role === 'heartbeat') {
  void echo(workerData as HeartbeatData);
}
