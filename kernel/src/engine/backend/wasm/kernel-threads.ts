/**
 * The SIMD tensor kernels (./tensor-kernels.ts) on all of the backend's threads.
 *
 * tfjs's own pthreads run only XNNPACK's operators, so before this every kernel of ours ran on
 * the main thread while the other core idled. Here helper threads (worker_threads) instantiate
 * the same kernel module on the same shared heap; a kernel whose work splits into independent
 * ranges (rows of a product, positions of an element-wise pass) runs one range on the main
 * thread and the others on helpers at the same time.
 *
 * - Handing over a call is a few stores to a SharedArrayBuffer and Atomics.notify; the main
 *   thread blocks in Atomics.wait for the helpers' ranges: tfjs runs kernels synchronously, so
 *   a kernel must be done when it returns.
 * - Each range is computed by the same code in the same order whichever thread runs it, so
 *   results do not depend on the thread count (the thread-count test checks bit equality).
 * - A helper starts asynchronously; until it has instantiated the module the main thread does
 *   its share. A helper idle for IDLE_EXIT_MS exits (and is started again on the next call), so
 *   that a backend that is dropped (a test file's) does not keep its heap alive in a blocked
 *   worker.
 */
import { Worker } from 'worker_threads';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from './util';
import {
  loadedTensorKernels,
  tensorKernels,
  type LoadedTensorKernels,
  type TensorKernelExports
} from './tensor-kernels';

/**
 * Floats an element-wise pass should have per thread before it is split: a hand-over costs
 * tens of microseconds (a futex wake), a pass over 64 K floats about as much.
 */
export const MIN_SPLIT_FLOATS = 1 << 16;

/** A call of one tensor kernel with its arguments (addresses and sizes). */
export interface KernelCall {
  kernel: keyof TensorKernelExports;
  args: number[];
}

// Control block of one helper: Int32 slots, then the arguments as float64 (addresses above
// 2^31 survive: wasm converts them to i32 by wrapping).
const STATE = 0;
const KERNEL = 1;
const ARGC = 2;
const INT_SLOTS = 4;
const MAX_ARGS = 24;

// Helper states; the main thread moves IDLE → POSTED, the helper POSTED → DONE | FAILED and
// IDLE → EXITED, the main thread DONE | FAILED → IDLE. Transitions from IDLE are
// compare-exchanges, so a helper cannot exit while a call is being posted to it.
const STARTING = 0;
const IDLE = 1;
const POSTED = 2;
const DONE = 3;
const FAILED = 4;
const EXITED = 5;

/** A helper that has had no call for this long exits. */
const IDLE_EXIT_MS = 20_000;

/** A helper's part of one kernel call that takes longer than this is given up (see finish). */
const HELPER_TIMEOUT_MS = 120_000;

// The helper's whole program. Plain JavaScript, evaluated in the worker: it instantiates the
// kernel module on the shared heap, then runs posted calls until it idles out.
const HELPER_SOURCE = `
const { workerData } = require('worker_threads');
const { module, memory, control, names, idleMs } = workerData;
const ctl = new Int32Array(control, 0, ${INT_SLOTS});
const args = new Float64Array(control, ${INT_SLOTS * 4}, ${MAX_ARGS});
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
Atomics.store(ctl, ${STATE}, ${IDLE});
Atomics.notify(ctl, ${STATE});
for (;;) {
  const state = Atomics.load(ctl, ${STATE});
  if (state !== ${POSTED}) {
    const woke = Atomics.wait(ctl, ${STATE}, state, state === ${IDLE} ? idleMs : Infinity);
    if (woke === 'timed-out' &&
        Atomics.compareExchange(ctl, ${STATE}, ${IDLE}, ${EXITED}) === ${IDLE}) break;
    continue;
  }
  let outcome = ${DONE};
  try {
    kernels[names[ctl[${KERNEL}]]](...args.subarray(0, ctl[${ARGC}]));
  } catch {
    outcome = ${FAILED};
  }
  Atomics.store(ctl, ${STATE}, outcome);
  Atomics.notify(ctl, ${STATE});
}
`;

/** Runs a call on this thread. */
function invoke(exports: TensorKernelExports, { kernel, args }: KernelCall): void {
  (exports[kernel] as (...a: number[]) => void)(...args);
}

/** One helper thread and its control block. */
class Helper {
  private readonly control = new SharedArrayBuffer(INT_SLOTS * 4 + MAX_ARGS * 8);
  private readonly ctl = new Int32Array(this.control, 0, INT_SLOTS);
  private readonly args = new Float64Array(this.control, INT_SLOTS * 4, MAX_ARGS);
  private alive = false;
  /** Set when a call on this helper never finished: its share stays on the main thread. */
  private abandoned = false;

  constructor(
    private readonly kernels: LoadedTensorKernels,
    private readonly names: string[]
  ) {}

  /** Posts a call if the helper is idle (starting it if it is not running); false if not. */
  post(call: KernelCall): boolean {
    if (call.args.length > MAX_ARGS) throw new Error(`${call.kernel}: too many arguments`);
    if (this.abandoned) return false;
    if (!this.running) {
      this.start();
      return false;
    }
    if (Atomics.load(this.ctl, STATE) !== IDLE) return false;
    this.args.set(call.args);
    this.ctl[KERNEL] = this.names.indexOf(call.kernel);
    this.ctl[ARGC] = call.args.length;
    if (Atomics.compareExchange(this.ctl, STATE, IDLE, POSTED) !== IDLE) return false;
    Atomics.notify(this.ctl, STATE);
    return true;
  }

  /** Whether the helper has started and takes calls. */
  get ready(): boolean {
    const state = Atomics.load(this.ctl, STATE);
    return this.alive && state !== STARTING && state !== FAILED && state !== EXITED;
  }

  /** Starts the helper if it is not running (it takes calls once it has loaded). */
  wake(): void {
    if (!this.running) this.start();
  }

  /** Whether a worker runs for this helper (starting, idle or busy; not one that exited). */
  private get running(): boolean {
    return this.alive && Atomics.load(this.ctl, STATE) !== EXITED;
  }

  /** Waits for the posted call; throws if the kernel failed on the helper. */
  finish(call: KernelCall): void {
    let state: number;
    const deadline = Date.now() + HELPER_TIMEOUT_MS;
    while ((state = Atomics.load(this.ctl, STATE)) === POSTED) {
      if (Atomics.wait(this.ctl, STATE, POSTED, 1000) === 'timed-out' && Date.now() > deadline) {
        // A helper that died inside a call (out of memory) never answers: give up on it, so
        // that the kernel reports an error instead of hanging. It is not posted to again.
        this.abandoned = true;
        throw new Error(
          `tensor kernel ${call.kernel}: a helper thread did not finish within ` +
            `${HELPER_TIMEOUT_MS / 1000} s`
        );
      }
    }
    Atomics.store(this.ctl, STATE, IDLE);
    if (state === FAILED) {
      throw new Error(`tensor kernel ${call.kernel} failed on a helper thread`);
    }
  }

  private start(): void {
    this.ctl[STATE] = STARTING;
    this.alive = true;
    const { module, memory } = this.kernels;
    const worker = new Worker(HELPER_SOURCE, {
      eval: true,
      workerData: { module, memory, control: this.control, names: this.names, idleMs: IDLE_EXIT_MS }
    });
    // Never what keeps the process alive; a helper that cannot start leaves its share to the
    // main thread for good.
    worker.unref();
    worker.on('error', () => Atomics.store(this.ctl, STATE, FAILED));
    worker.on('exit', () => {
      if (Atomics.load(this.ctl, STATE) === EXITED) this.alive = false;
    });
  }
}

/** The helper threads of one backend. */
export class KernelThreads {
  private readonly helpers: Helper[];

  constructor(
    private readonly kernels: LoadedTensorKernels,
    helperCount: number
  ) {
    const names = Object.keys(kernels.exports).sort();
    this.helpers = Array.from({ length: helperCount }, () => new Helper(kernels, names));
  }

  /** Threads a call can be split over: the main thread and every helper. */
  get threads(): number {
    return 1 + this.helpers.length;
  }

  /**
   * How many helpers take calls now (they start in the background on first use); starts any
   * that are not running.
   */
  readyHelpers(): number {
    this.helpers.forEach(h => h.wake());
    return this.helpers.filter(h => h.ready).length;
  }

  /**
   * Runs the calls at the same time, calls[0] on this thread and calls[i] on helper i − 1 when
   * that helper is ready, else here after calls[0]; returns once all are done.
   */
  run(calls: KernelCall[]): void {
    const posted = calls.map((call, i) => i > 0 && this.helpers[i - 1]?.post(call) === true);
    let failure: unknown = null;
    calls.forEach((call, i) => {
      if (posted[i]) return;
      try {
        invoke(this.kernels.exports, call);
      } catch (error) {
        failure ??= error;
      }
    });
    calls.forEach((call, i) => {
      if (!posted[i]) return;
      try {
        this.helpers[i - 1].finish(call);
      } catch (error) {
        failure ??= error;
      }
    });
    if (failure !== null) throw failure;
  }
}

const pools = new WeakMap<object, KernelThreads | null>();
let helpersOff = false;

/**
 * Runs fn with every split kernel on the main thread alone (tests compare the two; benchmarks
 * time both in one process).
 */
export async function withoutKernelHelpers<T>(fn: () => Promise<T> | T): Promise<T> {
  const before = helpersOff;
  helpersOff = true;
  try {
    return await fn();
  } finally {
    helpersOff = before;
  }
}

/**
 * The helpers of this backend: as many as it has threads beyond the main one, on the threaded
 * (shared-heap) build only; null where the tensor kernels do not run or there is one thread.
 */
export function kernelThreads(backend: BackendWasm): KernelThreads | null {
  if (helpersOff || tensorKernels(backend) == null) return null;
  const cached = pools.get(backend);
  if (cached !== undefined) return cached;
  const loaded = loadedTensorKernels(backend);
  const shared = loaded?.memory.buffer instanceof SharedArrayBuffer;
  const helpers = shared ? getThreadsCount() - 1 : 0;
  const pool = loaded && helpers > 0 ? new KernelThreads(loaded, helpers) : null;
  pools.set(backend, pool);
  return pool;
}

/**
 * [lo, hi) parts of [0, total) for up to `parts` threads: boundaries on multiples of `align`,
 * no part under `minPart` (small work is not worth a hand-over), earlier parts no smaller.
 */
export function splitRange(
  total: number,
  parts: number,
  align = 1,
  minPart = 1
): Array<[number, number]> {
  const units = Math.ceil(total / align);
  const count = Math.max(1, Math.min(parts, Math.floor(total / Math.max(minPart, 1)), units));
  const ranges: Array<[number, number]> = [];
  for (let p = 0, lo = 0; p < count; p++) {
    const hi = Math.min(total, Math.ceil((units * (p + 1)) / count) * align);
    ranges.push([lo, hi]);
    lo = hi;
  }
  return ranges;
}

/**
 * Runs a kernel over [0, total) split across the backend's threads: `call(lo, hi, part)` gives
 * the call for one part (part < splitThreads(backend), for per-thread scratch memory). With no
 * helpers, one call covers everything.
 */
export function runSplit(
  backend: BackendWasm,
  total: number,
  call: (lo: number, hi: number, part: number) => KernelCall,
  align = 1,
  minPart = 1
): void {
  const pool = kernelThreads(backend);
  const ranges = splitRange(total, pool?.threads ?? 1, align, minPart);
  if (pool == null || ranges.length === 1) {
    invoke(tensorKernels(backend)!, call(0, total, 0));
    return;
  }
  pool.run(ranges.map(([lo, hi], part) => call(lo, hi, part)));
}

/** Parts runSplit may make on this backend: its threads where helpers run, else 1. */
export function splitThreads(backend: BackendWasm): number {
  return kernelThreads(backend)?.threads ?? 1;
}
