import { AsyncLocalStorage } from 'node:async_hooks';
import { StringDecoder } from 'node:string_decoder';
import type { Message } from './wire';

/**
 * Per-cell output routing. Every execute runs inside `runInCell`, and Node's AsyncLocalStorage
 * carries that cell's context into everything the cell starts (timers, promises, callbacks of
 * streams …). Writes to process.stdout/stderr are hooked once, for the life of the kernel, and
 * each write goes to the iopub stream of the cell that caused it, even when it happens after
 * the cell has returned. Writes from outside any cell (the kernel itself, libraries at load
 * time) keep going to the real stdout/stderr, i.e. the server's log.
 */
export interface CellContext {
  /** The execute_request whose outputs these are (their parent_header). */
  readonly request: Message;
  /** Aborted when the user interrupts this cell. */
  readonly controller: AbortController;
}

export type StreamName = 'stdout' | 'stderr';
export type StreamSink = (cell: CellContext, name: StreamName, text: string) => void;

const cells = new AsyncLocalStorage<CellContext>();

export function runInCell<T>(cell: CellContext, fn: () => T): T {
  return cells.run(cell, fn);
}

/** The cell whose work is running now, if any. */
export function currentCell(): CellContext | undefined {
  return cells.getStore();
}

type Write = typeof process.stdout.write;
let installed = false;

/** Route process.stdout/stderr writes made inside a cell to `sink`. Idempotent. */
export function installStreamRouting(sink: StreamSink): void {
  if (installed) return;
  installed = true;
  hook(process.stdout, 'stdout', sink);
  hook(process.stderr, 'stderr', sink);
}

function hook(stream: NodeJS.WriteStream, name: StreamName, sink: StreamSink): void {
  const original = stream.write.bind(stream) as Write;
  // One decoder per stream keeps multi-byte characters split across writes intact.
  const decoder = new StringDecoder('utf8');
  const routed = function (
    chunk: string | Uint8Array,
    encodingOrCb?: BufferEncoding | ((err?: Error | null) => void),
    cb?: (err?: Error | null) => void
  ): boolean {
    const cell = cells.getStore();
    if (!cell) return (original as (...a: unknown[]) => boolean)(chunk, encodingOrCb, cb);
    const callback = typeof encodingOrCb === 'function' ? encodingOrCb : cb;
    const text =
      typeof chunk === 'string'
        ? typeof encodingOrCb === 'string' && encodingOrCb !== 'utf8' && encodingOrCb !== 'utf-8'
          ? Buffer.from(chunk, encodingOrCb).toString('utf8')
          : chunk
        : decoder.write(Buffer.from(chunk));
    if (text) sink(cell, name, text);
    if (callback) process.nextTick(callback);
    return true;
  };
  stream.write = routed as Write;
}
