/**
 * The long-lived Python worker process behind `%%python` cells and Python modules.
 *
 * One child process (`/usr/bin/python3 kernel/python/medflow_worker.py 3 4`, numpy required)
 * keeps one namespace for all cells. Requests go one at a time over fd 3, replies and streamed
 * stdout/stderr come back over fd 4 (protocol.ts); the child's own fd 1/2 carry what is written
 * below Python (C code, subprocesses, crash reports) and are forwarded as well. Interrupt is
 * SIGINT (KeyboardInterrupt in the cell); a worker that dies is reported to the request it was
 * serving and started afresh on the next use — the kernel process is never affected.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { encodeFrame, FrameReader, type Frame } from './protocol';
import { StreamCoalescer } from './streams';

export interface PythonIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface PythonError {
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface WorkerOptions {
  /** Interpreter; default $MEDFLOW_PYTHON, else /usr/bin/python3. */
  python?: string;
  /** How long an interrupted request may take to stop before the worker is killed (ms). */
  interruptGraceMs?: number;
}

/** The reply of one request: the worker's answer, or why there is none. */
export type RequestResult = { ok: true; frame: Frame } | { ok: false; error: PythonError };

interface Proc {
  child: ChildProcess;
  requests: Socket;
  generation: number;
  info: { python: string; numpy: string; pid: number };
  /** Set when the process is gone; says why, for the request it was serving. */
  death?: string;
}

interface Pending {
  id: number;
  io: PythonIO;
  proc: Proc;
  settle(result: RequestResult): void;
}

const START_TIMEOUT_MS = 60_000;

/** Finds kernel/python/medflow_worker.py above this file (src via ts-jest, or dist/kernel). */
export function workerScript(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'kernel', 'python', 'medflow_worker.py');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`medflow: cannot find kernel/python/medflow_worker.py above ${__dirname}`);
}

export function workerError(ename: string, evalue: string): PythonError {
  return { ename, evalue, traceback: [`${ename}: ${evalue}`] };
}

export class PythonWorker {
  readonly python: string;
  private readonly interruptGraceMs: number;
  private proc: Proc | null = null;
  private starting: Promise<Proc> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private pending: Pending | null = null;
  private lastIO: PythonIO | null = null;
  private nextId = 1;
  private generations = 0;
  private disposed = false;
  private readonly output = new StreamCoalescer();

  constructor(opts: WorkerOptions = {}) {
    this.python = opts.python || process.env.MEDFLOW_PYTHON || '/usr/bin/python3';
    this.interruptGraceMs = opts.interruptGraceMs ?? 5000;
  }

  /** Counts worker processes started; a change means the Python state was lost. */
  get generation(): number {
    return this.proc?.generation ?? this.generations;
  }

  /** Process id of the running worker, if one is running. */
  get pid(): number | undefined {
    return this.proc && !this.proc.death ? this.proc.child.pid : undefined;
  }

  /** Runs a `%%python` cell in the persistent namespace. Resolves null on success. */
  async run(code: string, io: PythonIO, signal?: AbortSignal): Promise<PythonError | null> {
    const result = await this.request({ op: 'run', code }, [], io, signal);
    return result.ok ? null : result.error;
  }

  /**
   * `%%python module NAME`: runs the cell, checks its module class and registers it in the
   * engine's module registry (see module.ts, loaded lazily to keep the engine out of plain
   * `%%python` cells).
   */
  async defineModule(
    name: string,
    code: string,
    io: PythonIO,
    signal?: AbortSignal
  ): Promise<PythonError | null> {
    const { definePythonModule } = await import('./module');
    return definePythonModule(this, name, code, io, signal);
  }

  /**
   * Sends one request and waits for its reply. Requests are served one at a time, in order.
   * Never throws: a failure to start, a crash or an interrupt is returned as an error.
   */
  request(
    header: Record<string, unknown>,
    buffers: Uint8Array[],
    io: PythonIO,
    signal?: AbortSignal
  ): Promise<RequestResult> {
    const turn = this.queue.then(() => this.serve(header, buffers, io, signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Interrupts the request being served (KeyboardInterrupt in Python). */
  interrupt(): void {
    const pending = this.pending;
    if (!pending || pending.proc.death) return;
    pending.proc.child.kill('SIGINT');
    // Code stuck in C may never see the KeyboardInterrupt: then the worker is replaced.
    const timer = setTimeout(() => {
      if (this.pending === pending && !pending.proc.death) {
        this.kill(
          pending.proc,
          `the Python worker did not stop within ${this.interruptGraceMs / 1000} s of the ` +
            'interrupt and was killed'
        );
      }
    }, this.interruptGraceMs);
    timer.unref();
  }

  /** Kills the worker (its state is lost) and starts a fresh one. */
  async restart(): Promise<void> {
    const proc = this.proc;
    if (proc) await this.kill(proc, 'the Python worker was restarted');
    if (!this.disposed) await this.ensureStarted();
  }

  /** Stops the worker for good: closes its request pipe (it exits), then kills it if needed. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const proc = this.proc ?? (await this.starting?.catch(() => null));
    if (!proc || proc.death) return;
    const gone = new Promise<void>(resolve => proc.child.once('exit', () => resolve()));
    proc.requests.end();
    const timer = setTimeout(() => {
      proc.death ??= 'the Python worker was shut down (it was still busy after 2 s)';
      proc.child.kill('SIGKILL');
    }, 2000);
    await gone;
    clearTimeout(timer);
  }

  private async serve(
    header: Record<string, unknown>,
    buffers: Uint8Array[],
    io: PythonIO,
    signal?: AbortSignal
  ): Promise<RequestResult> {
    if (signal?.aborted) return { ok: false, error: interrupted() };
    let proc: Proc;
    try {
      proc = await this.ensureStarted();
    } catch (error) {
      return { ok: false, error: workerError('PythonWorkerError', (error as Error).message) };
    }
    const id = this.nextId++;
    this.lastIO = io;
    const onAbort = (): void => this.interrupt();
    const result = await new Promise<RequestResult>(resolve => {
      this.pending = { id, io, proc, settle: resolve };
      setRef(proc, true);
      signal?.addEventListener('abort', onAbort, { once: true });
      // Corked: the header and every array go out in one writev, not one write per buffer.
      proc.requests.cork();
      for (const chunk of encodeFrame({ ...header, id }, buffers)) proc.requests.write(chunk);
      proc.requests.uncork();
    });
    signal?.removeEventListener('abort', onAbort);
    this.output.flush();
    this.pending = null;
    if (!proc.death) setRef(proc, false);
    return result;
  }

  private ensureStarted(): Promise<Proc> {
    if (this.disposed) return Promise.reject(new Error('the Python worker was disposed'));
    if (this.proc && !this.proc.death) return Promise.resolve(this.proc);
    if (!this.starting) {
      this.starting = this.start().finally(() => (this.starting = null));
    }
    return this.starting;
  }

  private start(): Promise<Proc> {
    const script = workerScript();
    const child = spawn(this.python, [script, '3', '4'], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' }
    });
    const generation = ++this.generations;
    return new Promise<Proc>((resolve, reject) => {
      let proc: Proc | null = null;
      let early = ''; // what the child printed before it was ready, for start-up errors
      const fail = (message: string): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(message));
      };
      const timer = setTimeout(
        () => fail(`the Python worker (${this.python}) did not start within 60 s`),
        START_TIMEOUT_MS
      );
      child.on('error', error => {
        const hint =
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? ' (not found; set MEDFLOW_PYTHON to a Python 3 interpreter with numpy)'
            : '';
        fail(`cannot start the Python worker ${this.python}${hint}: ${error.message}`);
      });
      for (const name of ['stdout', 'stderr'] as const) {
        const decoder = new StringDecoder('utf8');
        child[name]!.on('data', (chunk: Buffer) => {
          const text = decoder.write(chunk);
          if (!proc) early += text;
          else this.forward(name, text);
        });
      }
      const reader = new FrameReader(frame => {
        const type = frame.header.type;
        if (type === 'hello' && !proc) {
          clearTimeout(timer);
          if (typeof frame.header.error === 'string') {
            fail(
              `the Python worker needs numpy, but ${this.python} cannot import it ` +
                `(${frame.header.error}). Install numpy for that interpreter (Debian: apt ` +
                `install python3-numpy) or set MEDFLOW_PYTHON to one that has it.`
            );
            return;
          }
          proc = {
            child,
            requests: child.stdio[3] as Socket,
            generation,
            info: frame.header as unknown as Proc['info']
          };
          this.proc = proc;
          setRef(proc, false);
          resolve(proc);
        } else if (type === 'stream') {
          this.forward(
            frame.header.name === 'stderr' ? 'stderr' : 'stdout',
            String(frame.header.text)
          );
        } else if (type === 'reply') {
          const pending = this.pending;
          if (pending && pending.id === frame.header.id) {
            this.output.flush();
            if (frame.header.ok) pending.settle({ ok: true, frame });
            else pending.settle({ ok: false, error: frame.header as unknown as PythonError });
          }
        }
      });
      (child.stdio[4] as Socket).on('data', (chunk: Buffer) => {
        try {
          reader.push(chunk);
        } catch (error) {
          // Garbage on the reply pipe (e.g. user code wrote to fd 4): this worker cannot be
          // trusted any more; replace it rather than let the error reach the kernel.
          if (proc) void this.kill(proc, `protocol error (${(error as Error).message})`);
          else fail(`the Python worker sent garbage at start-up: ${(error as Error).message}`);
        }
      });
      // Writes to a dead worker fail with EPIPE, reads may see ECONNRESET: its 'exit' tells
      // the story instead, and an unhandled stream error must never take the kernel down.
      for (const stream of child.stdio) stream?.on('error', () => undefined);
      child.on('exit', (code, signal) => {
        const how = signal
          ? `killed by signal ${signal}${describeSignal(signal)}`
          : `exit code ${code}`;
        if (!proc) {
          const said = early.trim() ? `: ${early.trim().split('\n').slice(-5).join('\n')}` : '';
          fail(`the Python worker ${this.python} exited at start-up (${how})${said}`);
          return;
        }
        const dead = proc;
        dead.death ??= `the Python worker died (${how})`;
        if (this.proc === dead) this.proc = null;
        // Let the last bytes of its stderr (e.g. faulthandler's report) arrive first.
        setTimeout(() => {
          this.output.flush();
          const pending = this.pending;
          if (pending && pending.proc === dead) {
            pending.settle({
              ok: false,
              error: workerError(
                'PythonWorkerDied',
                `${dead.death}; its state (variables, imports, Python modules) is lost. ` +
                  'A new worker starts on the next use.'
              )
            });
          }
        }, 50);
      });
    });
  }

  /** Kills a worker process and waits until it is gone. */
  private kill(proc: Proc, why: string): Promise<void> {
    if (proc.death) return Promise.resolve();
    proc.death = why;
    const gone = new Promise<void>(resolve => proc.child.once('exit', () => resolve()));
    proc.child.kill('SIGKILL');
    return gone;
  }

  private forward(name: 'stdout' | 'stderr', text: string): void {
    const io = this.pending?.io ?? this.lastIO;
    if (io) this.output.write(io, name, text);
    else process.stderr.write(`[python worker ${name}] ${text}`);
  }
}

function interrupted(): PythonError {
  return workerError('KeyboardInterrupt', 'interrupted before the Python code started');
}

function describeSignal(signal: NodeJS.Signals): string {
  const names: Partial<Record<NodeJS.Signals, string>> = {
    SIGSEGV: ': segmentation fault',
    SIGKILL: ': killed, e.g. out of memory',
    SIGABRT: ': aborted',
    SIGBUS: ': bus error',
    SIGFPE: ': floating-point exception'
  };
  return names[signal] ?? '';
}

/** An idle worker must not keep the kernel (or a test run) alive; a busy one must. */
function setRef(proc: Proc, busy: boolean): void {
  if (busy) proc.child.ref();
  else proc.child.unref();
  for (const stream of proc.child.stdio) {
    // A stream the child already closed (its fd 1 is redirected) has no handle left to (un)ref.
    const socket = stream as Socket | null;
    if (!socket || socket.destroyed) continue;
    if (busy) socket.ref();
    else socket.unref();
  }
}
