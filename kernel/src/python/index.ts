/**
 * Python in the kernel: `%%python` cells and custom image-processing modules written in Python
 * (`%%python module NAME`), served by one long-lived Python worker process (worker.ts).
 */
import { PythonWorker } from './worker';

export { PythonWorker, type PythonIO, type PythonError, type WorkerOptions } from './worker';

let shared: PythonWorker | null = null;

/** The process's Python worker: one per kernel, its process started on first use. */
export function sharedPythonWorker(): PythonWorker {
  shared ??= new PythonWorker();
  return shared;
}
