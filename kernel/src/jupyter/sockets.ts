import * as zmq from 'zeromq';
import { ConnectionInfo, endpoint } from './connection';
import { ControlChannel, startControlThread } from './controlThread';
import { log } from './log';
import { Outbox } from './outbox';
import {
  deserialize,
  Message,
  parseSignatureScheme,
  ReplayGuard,
  serialize,
  SignatureScheme,
  signatureOf
} from './wire';

export type MessageHandler = (msg: Message) => void;
export type ReplyChannel = 'shell' | 'control' | 'stdin';

/**
 * The kernel's bound sockets: shell and stdin (ROUTER) and iopub (PUB) on the main thread,
 * control in its own thread (controlThread.ts), all on the connection file's address.
 */
export class KernelSockets {
  readonly scheme: SignatureScheme;
  private readonly shell = new zmq.Router();
  private readonly stdin = new zmq.Router();
  private readonly iopub = new zmq.Publisher();
  private control: ControlChannel | undefined;
  private readonly out = new Map<zmq.Socket, Outbox>();
  private readonly replay = new ReplayGuard();
  private readonly ipv6: boolean;

  constructor(
    readonly info: ConnectionInfo,
    private readonly session: string
  ) {
    this.scheme = parseSignatureScheme(info.signature_scheme, info.key);
    this.ipv6 = info.transport === 'tcp' && info.ip.includes(':');
    for (const s of [this.shell, this.stdin, this.iopub]) {
      // Unsent messages must not keep the process alive for long at shutdown.
      s.linger = 1000;
      if (this.ipv6) s.ipv6 = true;
      this.out.set(s, new Outbox(s));
    }
  }

  async bind(): Promise<void> {
    const [control] = await Promise.all([
      startControlThread({
        endpoint: endpoint(this.info, 'control'),
        ipv6: this.ipv6,
        key: this.info.key,
        signatureScheme: this.info.signature_scheme,
        session: this.session
      }),
      this.shell.bind(endpoint(this.info, 'shell')),
      this.stdin.bind(endpoint(this.info, 'stdin')),
      this.iopub.bind(endpoint(this.info, 'iopub'))
    ]);
    this.control = control;
  }

  listenShell(handler: MessageHandler): void {
    void this.listen(this.shell, 'shell', handler);
  }

  listenStdin(handler: MessageHandler): void {
    void this.listen(this.stdin, 'stdin', handler);
  }

  /**
   * Control messages, verified by the control thread (again here: it is cheap, and nothing
   * unverified reaches a handler). `onInterrupt` learns of interrupt requests the thread
   * has already answered.
   */
  listenControl(handler: MessageHandler, onInterrupt: MessageHandler): void {
    const parse = (frames: Buffer[], then: MessageHandler): void => {
      const parsed = deserialize(this.scheme, frames);
      if (parsed.ok) then(parsed.message);
      else log(`dropped a message on control: ${parsed.reason}`);
    };
    this.control!.onMessage(frames => parse(frames, handler));
    this.control!.onInterrupt(frames => parse(frames, onInterrupt));
  }

  /** Read verified messages from a ROUTER socket until it closes; forged ones are dropped. */
  private async listen(socket: zmq.Router, name: string, handler: MessageHandler): Promise<void> {
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

  send(channel: ReplyChannel, msg: Message): Promise<void> {
    const frames = serialize(this.scheme, msg);
    if (channel === 'control') {
      this.control!.send(frames);
      return Promise.resolve();
    }
    return this.out.get(channel === 'shell' ? this.shell : this.stdin)!.send(frames);
  }

  publish(msg: Message): Promise<void> {
    return this.out.get(this.iopub)!.send(serialize(this.scheme, msg));
  }

  async close(): Promise<void> {
    await Promise.all([...this.out.values()].map(o => o.flushed()));
    for (const s of [this.shell, this.stdin, this.iopub]) {
      if (!s.closed) s.close();
    }
    await this.control?.stop();
  }
}
