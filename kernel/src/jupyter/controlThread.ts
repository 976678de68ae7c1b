import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as zmq from 'zeromq';
import { log } from './log';
import { Outbox } from './outbox';
import {
  deserialize,
  newHeader,
  parseSignatureScheme,
  ReplayGuard,
  serialize,
  signatureOf
} from './wire';

/**
 * The control socket lives in its own thread. A cell stuck in synchronous code (`while (true)`)
 * blocks the main thread's event loop, so an interrupt_request read there would never be seen.
 * This thread reads it, answers it, and raises SIGINT in the process: vm's `breakOnSigint`
 * (tslab runs cells with it) stops synchronous code, and the kernel's SIGINT handler stops an
 * awaiting cell. So interrupt_mode "message" and "signal" behave the same.
 *
 * Every other control message is verified here and handed to the main thread, whose replies
 * come back to be sent on the socket.
 */
interface ControlData {
  role: 'control';
  endpoint: string;
  ipv6: boolean;
  key: string;
  signatureScheme: string;
  session: string;
}

type FromThread =
  | { kind: 'bound' }
  | { kind: 'bind-failed'; error: string }
  | { kind: 'message'; frames: Uint8Array[] }
  | { kind: 'interrupted'; frames: Uint8Array[] };

type ToThread = { kind: 'send'; frames: Uint8Array[] } | { kind: 'stop' };

export interface ControlChannel {
  /** Verified control messages other than interrupt_request, as raw frames. */
  onMessage(handler: (frames: Buffer[]) => void): void;
  /** Called after this thread has answered an interrupt_request (for status messages). */
  onInterrupt(handler: (frames: Buffer[]) => void): void;
  send(frames: Buffer[]): void;
  stop(): Promise<void>;
}

export function startControlThread(data: Omit<ControlData, 'role'>): Promise<ControlChannel> {
  const worker = new Worker(__filename, {
    workerData: { ...data, role: 'control' } satisfies ControlData
  });
  worker.unref();
  let onMessage: (frames: Buffer[]) => void = () => undefined;
  let onInterrupt: (frames: Buffer[]) => void = () => undefined;
  const channel: ControlChannel = {
    onMessage: h => (onMessage = h),
    onInterrupt: h => (onInterrupt = h),
    send: frames => worker.postMessage({ kind: 'send', frames } satisfies ToThread),
    stop: () =>
      new Promise(done => {
        worker.once('exit', () => done());
        // Wait for the thread to close its socket (see heartbeat.ts).
        worker.ref();
        worker.postMessage({ kind: 'stop' } satisfies ToThread);
      })
  };
  return new Promise((resolve, reject) => {
    worker.on('error', err => {
      log(`control thread failed: ${err.message}`);
      reject(err);
    });
    worker.on('message', (m: FromThread) => {
      if (m.kind === 'bound') resolve(channel);
      else if (m.kind === 'bind-failed') reject(new Error(`control: ${m.error}`));
      else if (m.kind === 'message') onMessage(m.frames.map(toBuffer));
      else if (m.kind === 'interrupted') onInterrupt(m.frames.map(toBuffer));
    });
  });
}

function toBuffer(frame: Uint8Array): Buffer {
  return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}

async function serve(data: ControlData): Promise<void> {
  const port = parentPort!;
  const post = (m: FromThread): void => port.postMessage(m);
  const socket = new zmq.Router();
  socket.linger = 1000;
  if (data.ipv6) socket.ipv6 = true;
  try {
    await socket.bind(data.endpoint);
  } catch (err) {
    post({ kind: 'bind-failed', error: (err as Error).message });
    return;
  }
  const scheme = parseSignatureScheme(data.signatureScheme, data.key);
  const outbox = new Outbox(socket);
  const replay = new ReplayGuard();
  port.on('message', (m: ToThread) => {
    if (m.kind === 'send') void outbox.send(m.frames.map(toBuffer));
    else if (m.kind === 'stop') void outbox.flushed().then(() => socket.close());
  });
  post({ kind: 'bound' });

  try {
    for await (const frames of socket) {
      const parsed = deserialize(scheme, frames);
      if (!parsed.ok) {
        log(`dropped a message on control: ${parsed.reason}`);
        continue;
      }
      if (!replay.accept(signatureOf(frames))) {
        log('dropped a replayed message on control');
        continue;
      }
      const msg = parsed.message;
      if (msg.header.msg_type !== 'interrupt_request') {
        post({ kind: 'message', frames });
        continue;
      }
      process.kill(process.pid, 'SIGINT');
      await outbox.send(
        serialize(scheme, {
          identities: msg.identities,
          header: newHeader('interrupt_reply', data.session),
          parent_header: msg.header,
          metadata: {},
          content: { status: 'ok' },
          buffers: []
        })
      );
      post({ kind: 'interrupted', frames });
    }
  } catch (err) {
    if (!socket.closed) log(`control socket failed: ${(err as Error).message}`);
  }
  port.close();
}

if (!isMainThread && (workerData as Partial<ControlData> | null)?.role === 'control') {
  void serve(workerData as ControlData);
}
