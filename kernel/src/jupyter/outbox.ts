import type * as zmq from 'zeromq';
import { log } from './log';

/**
 * A send queue for one socket. zeromq 6 rejects a send while another send on the same socket
 * is still pending ("Socket is busy writing"), and replies, streams and status messages are
 * produced concurrently, so every send goes through a promise chain, in call order.
 */
export class Outbox {
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

  /** Resolves when every send queued so far has been handed to ZeroMQ. */
  flushed(): Promise<void> {
    return this.tail;
  }
}
