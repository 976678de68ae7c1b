import { randomUUID } from 'node:crypto';
import type {
  LiveBuffers,
  LiveChannel,
  LiveChannelHost,
  LiveData,
  LiveTargetHandler
} from '../engine/live/channel';
import { log } from './log';
import { CellContext, currentCell, runInCell } from './output';
import type { JsonObject, Message } from './wire';

/**
 * Jupyter comms, both ways: the kernel side of comm_open / comm_msg / comm_close and
 * comm_info_request, behind the engine's LiveChannelHost interface (engine/live/channel.ts).
 *
 * Callbacks of a channel run in the context of the cell that opened it, so what they print or
 * display goes to that cell (a widget's "stop" button handler logs under the training cell).
 * Channels the frontend opened run their callbacks under the incoming message, as ipykernel
 * does. Nothing a frontend sends can crash the kernel: malformed or unknown comm messages are
 * logged (with what and where) and dropped; errors thrown by callbacks are logged and shown
 * in the cell.
 */

export type CommPublish = (
  msgType: 'comm_open' | 'comm_msg' | 'comm_close',
  content: JsonObject,
  parent: Message | undefined,
  buffers: Buffer[]
) => void;

type MessageCallback = (data: LiveData, buffers: Uint8Array[]) => void;
type CloseCallback = (data: LiveData) => void;

class Comm implements LiveChannel {
  closed = false;
  private readonly messageCallbacks: MessageCallback[] = [];
  private readonly closeCallbacks: CloseCallback[] = [];
  /** Messages that arrived before anyone listened (a handler may subscribe a little later). */
  private pending: Array<[LiveData, Uint8Array[], Message]> = [];

  constructor(
    readonly id: string,
    readonly target: string,
    private readonly manager: CommManager,
    /** The cell that opened it, if the kernel did. */
    private readonly origin: CellContext | undefined
  ) {}

  send(data: LiveData, buffers?: LiveBuffers): void {
    if (this.closed) {
      log(`send on closed comm ${this.id} (target '${this.target}') ignored`);
      return;
    }
    this.manager.publish('comm_msg', { comm_id: this.id, data }, toBuffers(buffers));
  }

  onMessage(callback: MessageCallback): void {
    this.messageCallbacks.push(callback);
    const waiting = this.pending;
    this.pending = [];
    for (const [data, buffers, msg] of waiting)
      this.invoke(msg, 'message', callback, data, buffers);
  }

  onClose(callback: CloseCallback): void {
    this.closeCallbacks.push(callback);
  }

  close(data: LiveData = {}): void {
    if (this.closed) return;
    this.manager.publish('comm_close', { comm_id: this.id, data }, []);
    this.closedBy(undefined, data);
  }

  /** A comm_msg from the frontend. */
  received(msg: Message, data: LiveData, buffers: Uint8Array[]): void {
    if (this.messageCallbacks.length === 0) {
      this.pending.push([data, buffers, msg]);
      return;
    }
    for (const cb of this.messageCallbacks) this.invoke(msg, 'message', cb, data, buffers);
  }

  /** Closed from either side: forget it, tell the listeners once. */
  closedBy(msg: Message | undefined, data: LiveData): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    this.manager.forget(this.id);
    for (const cb of this.closeCallbacks) this.invoke(msg, 'close', cb, data);
  }

  /** Run a callback in the channel's cell (or under the message), reporting what it throws. */
  invoke<A extends unknown[]>(
    msg: Message | undefined,
    what: string,
    callback: (...args: A) => unknown,
    ...args: A
  ): void {
    const context = this.origin ?? (msg && { request: msg, controller: new AbortController() });
    const report = (err: unknown): void => {
      const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
      log(`${what} callback of comm ${this.id} (target '${this.target}') failed: ${text}`);
      if (this.origin) {
        runInCell(this.origin, () =>
          process.stderr.write(`error in the '${this.target}' ${what} handler: ${text}\n`)
        );
      }
    };
    const call = (): void => {
      try {
        const result = callback(...args);
        if (result instanceof Promise) result.catch(report);
      } catch (err) {
        report(err);
      }
    };
    if (context) runInCell(context, call);
    else call();
  }
}

export class CommManager implements LiveChannelHost {
  private readonly targets = new Map<string, LiveTargetHandler>();
  private readonly comms = new Map<string, Comm>();

  constructor(private readonly send: CommPublish) {}

  open(target: string, data: LiveData = {}, buffers?: LiveBuffers): LiveChannel {
    const comm = new Comm(randomUUID(), target, this, currentCell());
    this.comms.set(comm.id, comm);
    this.publish(
      'comm_open',
      { comm_id: comm.id, target_name: target, data, metadata: {} },
      toBuffers(buffers)
    );
    return comm;
  }

  registerTarget(target: string, handler: LiveTargetHandler): void {
    this.targets.set(target, handler);
  }

  unregisterTarget(target: string): void {
    this.targets.delete(target);
  }

  /** comm_info_reply's `comms`: open comms, only those of `target` when given. */
  info(target?: unknown): JsonObject {
    const comms: JsonObject = {};
    for (const comm of this.comms.values()) {
      if (typeof target === 'string' && target !== '' && comm.target !== target) continue;
      comms[comm.id] = { target_name: comm.target };
    }
    return comms;
  }

  /** A comm_open, comm_msg or comm_close from the frontend. Never throws. */
  handle(msg: Message): void {
    const type = msg.header.msg_type;
    const content = msg.content;
    const where = `${type} from session ${String(msg.header.session)} (msg_id ${String(msg.header.msg_id)})`;
    const commId = content.comm_id;
    if (typeof commId !== 'string' || commId === '') {
      log(`malformed ${where}: comm_id missing or not a string; dropped`);
      return;
    }
    const data = content.data === undefined ? {} : content.data;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      log(`malformed ${where}: data of comm ${commId} is not a JSON object; dropped`);
      return;
    }
    const buffers = msg.buffers.map(b => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    const liveData = data as LiveData;
    if (type === 'comm_open') return this.opened(msg, where, commId, liveData, buffers);
    const comm = this.comms.get(commId);
    if (!comm) {
      log(`${where} for unknown comm id ${commId}; dropped`);
      return;
    }
    if (type === 'comm_msg') comm.received(msg, liveData, buffers);
    else comm.closedBy(msg, liveData);
  }

  private opened(
    msg: Message,
    where: string,
    commId: string,
    data: LiveData,
    buffers: Uint8Array[]
  ): void {
    const target = msg.content.target_name;
    if (typeof target !== 'string') {
      log(`malformed ${where}: target_name missing for comm ${commId}; dropped`);
      return;
    }
    if (this.comms.has(commId)) {
      log(`${where}: comm id ${commId} is already open; dropped`);
      return;
    }
    const handler = this.targets.get(target);
    if (!handler) {
      // As ipykernel does: tell the frontend the comm is gone, so it does not wait on it.
      log(`${where}: no comm target '${target}' registered; closing comm ${commId}`);
      this.send('comm_close', { comm_id: commId, data: {} }, msg, []);
      return;
    }
    const comm = new Comm(commId, target, this, undefined);
    this.comms.set(commId, comm);
    comm.invoke(msg, `open`, handler, comm, data, buffers);
  }

  /** Publish for a comm, with the current cell's request as parent (if any). */
  publish(type: 'comm_open' | 'comm_msg' | 'comm_close', content: JsonObject, b: Buffer[]) {
    this.send(type, content, currentCell()?.request, b);
  }

  forget(id: string): void {
    this.comms.delete(id);
  }
}

function toBuffers(buffers: LiveBuffers | undefined): Buffer[] {
  return (buffers ?? []).map(b =>
    b instanceof ArrayBuffer ? Buffer.from(b) : Buffer.from(b.buffer, b.byteOffset, b.byteLength)
  );
}
