import * as zmq from 'zeromq';
import { ConnectionInfo, endpoint } from './connection';
import { log } from './log';
import {
  deserialize,
  Message,
  parseSignatureScheme,
  ReplayGuard,
  serialize,
  SignatureScheme,
  signatureOf
} from './wire';

/**
 * One socket plus a send queue. zeromq 6 rejects a send while another send on the same socket
 * is still pending ("Socket is busy writing"), and replies, streams and status messages are
 * produced concurrently, so every send goes through a promise chain in call order.
 */
class Outbox {
  private tail: Promise<void> = Promise.resolve();
  constructor(private readonly socket: zmq.Writable & zmq.Socket) {}

  send(frames: Buffer[]): Promise<void> {
    const next = this.tail.then(async () => {
      if (this.socket.closed) return;
      await this.socket.send(frames);
    });
    // Keep the chain alive after a failed send; the failure is logged, not fatal.
    this.tail = next.catch(err => log(`send failed: ${(err as Error).message}`));
    return this.tail;
  }
}

export type MessageHandler = (msg: Message) => void;

/** The kernel's bound sockets: shell, control, stdin (ROUTER) and iopub (PUB). */
export class KernelSockets {
  readonly scheme: SignatureScheme;
  readonly shell = new zmq.Router();
  readonly control = new zmq.Router();
  readonly stdin = new zmq.Router();
  readonly iopub = new zmq.Publisher();
  private readonly out = new Map<zmq.Socket, Outbox>();
  private readonly replay = new ReplayGuard();

  constructor(readonly info: ConnectionInfo) {
    this.scheme = parseSignatureScheme(info.signature_scheme, info.key);
    const ipv6 = info.transport === 'tcp' && info.ip.includes(':');
    for (const s of [this.shell, this.control, this.stdin, this.iopub]) {
      // Unsent messages must not keep the process alive at shutdown.
      s.linger = 1000;
      if (ipv6) s.ipv6 = true;
      this.out.set(s, new Outbox(s));
    }
  }

  async bind(): Promise<void> {
    await Promise.all([
      this.shell.bind(endpoint(this.info, 'shell')),
      this.control.bind(endpoint(this.info, 'control')),
      this.stdin.bind(endpoint(this.info, 'stdin')),
      this.iopub.bind(endpoint(this.info, 'iopub'))
    ]);
  }

  /** Read verified messages from a ROUTER socket until it closes; forged ones are dropped. */
  async listen(socket: zmq.Router, name: string, handler: MessageHandler): Promise<void> {
    try {
      for await (const frames of socket) {
        const parsed = deserialize(this.scheme, frames);
        if (!parsed.ok) {
          log(`dropped a message on ${name}: ${parsed.reason}`);
          continue;
        }
        if (!this.replay.accept(signatureOf(frames))) {
          log(`dropped a replayed message on ${name} (${parsed.message.header.msg_type})`);
          continue;
        }
        handler(parsed.message);
      }
    } catch (err) {
      if (!socket.closed) log(`${name} socket failed: ${(err as Error).message}`);
    }
  }

  send(socket: zmq.Router | zmq.Publisher, msg: Message): Promise<void> {
    return this.out.get(socket)!.send(serialize(this.scheme, msg));
  }

  close(): void {
    for (const s of [this.shell, this.control, this.stdin, this.iopub]) {
      if (!s.closed) s.close();
    }
  }
}
