import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Ambient cancellation. A host (the Jupyter kernel, a test, a script) runs user code inside
 * `runWithSignal`, and every long-running engine operation that was not given an explicit
 * `signal` picks up the ambient one. This keeps the engine free of any Jupyter knowledge while
 * letting "interrupt kernel" stop a training loop that a cell started.
 */
const ambient = new AsyncLocalStorage<AbortSignal>();

export function runWithSignal<T>(signal: AbortSignal, fn: () => T): T {
  return ambient.run(signal, fn);
}

/** The signal of the surrounding host operation, if any. */
export function ambientSignal(): AbortSignal | undefined {
  return ambient.getStore();
}

/** Resolve the signal an operation should honour: the explicit one first, else the ambient one. */
export function resolveSignal(explicit?: AbortSignal): AbortSignal | undefined {
  return explicit ?? ambientSignal();
}

/** Error thrown when an operation stops because its signal was aborted. */
export class CancelledError extends Error {
  constructor(what: string) {
    super(`${what} was cancelled`);
    this.name = 'CancelledError';
  }
}

/** Throw a CancelledError if the signal has been aborted (call between batches). */
export function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new CancelledError(what);
}
