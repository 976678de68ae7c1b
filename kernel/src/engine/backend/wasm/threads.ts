/**
 * Multithreaded wasm in Node. Upstream tfjs-backend-wasm 4.22 turns threads off in Node
 * (WASM_HAS_MULTITHREAD_SUPPORT is hard-wired to false there, tensorflow/tfjs#3830), because
 * its Emscripten glue starts each pthread as `new Worker(blobUrl)` and sends the main script
 * as a Blob, neither of which Node's worker_threads can load. Measured here, 2 threads train
 * ~40% faster than one. The workaround:
 *  - the glue assigns the global `Worker` and then constructs it; an accessor on globalThis
 *    hands it a worker_threads subclass that runs the package's own worker script
 *    (wasm-out/tfjs-backend-wasm-threaded-simd.worker.js) from source, and that replaces the
 *    main-script Blob in the 'load' message by the path of the package's own copy of that
 *    script (wasm-out/tfjs-backend-wasm-threaded-simd.js, built with the same .wasm);
 *  - the C++ side caps the pool at (logical cores ÷ 2), read once at start-up through os.cpus()
 *    (a guess at hyper-threading that is wrong on small VMs: 1 thread on 2 cores); os.cpus()
 *    reports enough cores for the wanted count only while the module starts;
 *  - once a worker reports 'loaded' it is unref'd and stays so, so that the idle pthreads of
 *    the pool do not keep the process alive.
 * XNNPACK splits work by output tiles, never inside one sum, so results do not depend on
 * thread timing.
 */
import os = require('os'); // the module object itself: its cpus() is patched below
import * as path from 'path';
import { Worker as NodeWorker, type WorkerOptions } from 'worker_threads';

const WASM_OUT = path.join(
  path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
  'wasm-out'
);
const WORKER_SCRIPT = path.join(WASM_OUT, 'tfjs-backend-wasm-threaded-simd.worker.js');
const MAIN_SCRIPT = path.join(WASM_OUT, 'tfjs-backend-wasm-threaded-simd.js');

let workerSource: string | undefined;

function pthreadWorkerSource(): string {
  // The file is `module.exports.wasmWorkerContents = \`<the worker script>\``; its "\n" escapes
  // became real newlines inside string literals there: escape them again (as tfjs does).
  workerSource ??= (
    require(WORKER_SCRIPT) as { wasmWorkerContents: string }
  ).wasmWorkerContents.replace(/\n/g, '\\n');
  return workerSource;
}

interface LoadMessage {
  cmd?: unknown;
  urlOrBlob?: unknown;
}

/** worker_threads.Worker as Emscripten's pthread glue needs it in Node. */
class EmscriptenPthreadWorker extends NodeWorker {
  /** Set once the worker has loaded the module: from then on it never holds the process. */
  private detached = false;

  constructor(file: string | URL, options?: WorkerOptions) {
    const isGlueWorker = typeof file === 'string' && file.startsWith('blob:');
    super(
      isGlueWorker ? pthreadWorkerSource() : file,
      isGlueWorker ? { ...options, eval: true } : options
    );
    if (isGlueWorker) {
      // Stay referenced while loading (start-up waits for it), then let go.
      const onMessage = (message: LoadMessage) => {
        if (message?.cmd !== 'loaded') return;
        this.off('message', onMessage);
        this.detached = true;
        this.unref();
      };
      this.on('message', onMessage);
    }
  }

  /**
   * Emscripten refs a worker while it runs a pthread, so that Node stays alive for it. The
   * XNNPACK pool's pthreads run (idle) for as long as the module lives, so any script that
   * used wasm would never exit; the main thread waits for their work synchronously anyway.
   */
  override ref(): void {
    if (!this.detached) super.ref();
  }

  override postMessage(
    value: unknown,
    transferList?: Parameters<NodeWorker['postMessage']>[1]
  ): void {
    const message = value as LoadMessage | null;
    if (message?.cmd === 'load' && message.urlOrBlob instanceof Blob) {
      value = { ...message, urlOrBlob: MAIN_SCRIPT };
    }
    super.postMessage(value, transferList);
  }
}

let installed = false;

/** Makes the global `Worker` that Emscripten's glue assigns and uses a pthread-capable one. */
export function installPthreadWorker(): void {
  if (installed) return;
  const g = globalThis as { Worker?: unknown };
  if (g.Worker !== undefined && g.Worker !== NodeWorker) {
    throw new Error('a global Worker is already defined; wasm threads need to provide their own');
  }
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    enumerable: false,
    get: () => EmscriptenPthreadWorker,
    // The glue assigns worker_threads.Worker; the subclass above already extends it.
    set: () => undefined
  });
  installed = true;
}

/**
 * Runs `start` (the wasm module's start-up) while os.cpus() lists at least 2·`threads` entries,
 * so that the module's cap of cores ÷ 2 allows `threads`. Restored as soon as it settles.
 */
export async function withLogicalCores<T>(threads: number, start: () => Promise<T>): Promise<T> {
  const real = os.cpus;
  const cpus = real();
  if (cpus.length >= 2 * threads || cpus.length === 0) return start();
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]);
  try {
    return await start();
  } finally {
    os.cpus = real;
  }
}

/** Threads to use: MEDFLOW_WASM_THREADS, else the available cores, at most 4. */
export function wantedThreads(): number {
  const env = process.env.MEDFLOW_WASM_THREADS;
  if (env !== undefined && env.trim() !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`MEDFLOW_WASM_THREADS: expected a positive integer, got '${env}'`);
    return n;
  }
  return Math.max(1, Math.min(4, os.availableParallelism()));
}
