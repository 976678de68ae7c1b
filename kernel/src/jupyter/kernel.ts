import { runWithSignal } from '../engine/cancel';
import { mimeBundleOf, setDisplaySink } from './display';
import { compileErrorContent, ErrorContent, interruptedContent, thrownContent } from './errors';
import { CommManager } from './comms';
import type { CellRunner } from './executor';
import { HistoryStore } from './history';
import {
  codePointToUtf16,
  completeContent,
  inspectContent,
  isCompleteContent,
  utf16ToCodePoint
} from './introspection';
import { kernelInfoContent } from './kernelInfo';
import { pagerRequest } from './pager';
import { log } from './log';
import { cellMagic } from './magics';
import { CellContext, installStreamRouting, runInCell } from './output';
import type { PythonWorker } from '../python';
import type { CellMagic } from './magics';
import type { KernelSockets, ReplyChannel } from './sockets';
import { JsonObject, Message, newHeader } from './wire';

/**
 * Request dispatch: shell requests one at a time in arrival order, control requests at once
 * (so interrupt and shutdown work while a cell runs), busy/idle around every request.
 */
export class Kernel {
  private executionCount = 0;
  private readonly shellQueue: Message[] = [];
  private shellRunning = false;
  /** execute_requests to abort: they were queued when an earlier cell failed. */
  private readonly toAbort = new Set<string>();
  private running: CellContext | undefined;
  /** The cell runner once the converter is warm (it is created after start-up). */
  private runner: CellRunner | undefined;
  readonly comms: CommManager;
  /** The Python worker, once a `%%python` cell has used it (disposed at shutdown). */
  private pythonWorker: PythonWorker | undefined;
  private shutdownResolve!: () => void;
  /** Resolves when a shutdown_request has been answered and the sockets are closed. */
  readonly finished = new Promise<void>(resolve => (this.shutdownResolve = resolve));

  constructor(
    private readonly sockets: KernelSockets,
    /** Resolves when tslab's converter is ready; cells wait for it, kernel_info does not. */
    private readonly runnerReady: Promise<CellRunner>,
    /** Our session id, in the header of every message we send. */
    readonly session: string,
    private readonly history: HistoryStore = new HistoryStore(),
    /** Told when the first kernel_info_reply has been sent (start-up timing). */
    private readonly onKernelInfo: () => void = () => undefined
  ) {
    void runnerReady.then(
      r => (this.runner = r),
      err => log(`the TypeScript converter failed to start: ${(err as Error).stack ?? err}`)
    );
    installStreamRouting((cell, name, text) => {
      this.publish('stream', { name, text }, cell.request);
    });
    setDisplaySink((cell, msgType, content) => this.publish(msgType, content, cell.request));
    this.comms = new CommManager((msgType, content, parent, buffers) =>
      this.publish(msgType, content, parent, buffers)
    );
  }

  start(): void {
    this.sockets.listenShell(msg => {
      // Comm traffic is not queued behind a running cell: a widget must reach (and stop) the
      // training loop that an awaiting cell runs.
      if (msg.header.msg_type.startsWith('comm_') && msg.header.msg_type !== 'comm_info_request') {
        this.onComm(msg);
        return;
      }
      this.shellQueue.push(msg);
      void this.pumpShell();
    });
    this.sockets.listenControl(
      msg => void this.onControl(msg),
      // The control thread has answered it and raised SIGINT; report the activity on iopub.
      msg => {
        this.publish('status', { execution_state: 'busy' }, msg);
        this.publish('status', { execution_state: 'idle' }, msg);
      }
    );
    // Nothing is read from stdin yet (input() arrives with the kernel issue), but replies to
    // input_request would come here; reading keeps the socket's queue from growing.
    this.sockets.listenStdin(msg => log(`ignored ${msg.header.msg_type} on stdin`));
    this.publish('status', { execution_state: 'starting' }, undefined);
  }

  /** Interrupt the running cell: abort its signal and stop awaiting its top-level await. */
  interrupt(): void {
    const cell = this.running;
    if (!cell) return;
    // Abort listeners run synchronously, here: inside the cell's context, so what they print
    // goes to that cell.
    runInCell(cell, () => cell.controller.abort(new Error('interrupted')));
    this.runner?.interrupt();
  }

  publish(
    msgType: string,
    content: JsonObject,
    parent: Message | undefined,
    buffers: Buffer[] = []
  ): void {
    void this.sockets.publish({
      identities: [Buffer.from(`kernel.${this.session}.${msgType}`)],
      header: newHeader(msgType, this.session),
      parent_header: parent ? parent.header : {},
      metadata: {},
      content,
      buffers
    });
  }

  /** comm_open / comm_msg / comm_close from the frontend, handled on arrival. */
  private onComm(msg: Message): void {
    // Status around it only when idle: an 'idle' while a cell runs would mislead the frontend.
    const quiet = this.shellRunning;
    if (!quiet) this.publish('status', { execution_state: 'busy' }, msg);
    try {
      this.comms.handle(msg);
    } catch (err) {
      log(`error handling ${msg.header.msg_type}: ${(err as Error).stack ?? err}`);
    }
    if (!quiet) this.publish('status', { execution_state: 'idle' }, msg);
  }

  private reply(
    channel: ReplyChannel,
    request: Message,
    content: JsonObject,
    metadata: JsonObject = {}
  ): Promise<void> {
    const msgType = request.header.msg_type.replace(/_request$/, '_reply');
    return this.sockets.send(channel, {
      identities: request.identities,
      header: newHeader(msgType, this.session),
      parent_header: request.header,
      metadata,
      content,
      buffers: []
    });
  }

  private async pumpShell(): Promise<void> {
    if (this.shellRunning) return;
    this.shellRunning = true;
    try {
      let msg: Message | undefined;
      while ((msg = this.shellQueue.shift())) {
        this.publish('status', { execution_state: 'busy' }, msg);
        try {
          await this.onShell(msg);
        } catch (err) {
          log(`error handling ${msg.header.msg_type}: ${(err as Error).stack ?? err}`);
        }
        this.publish('status', { execution_state: 'idle' }, msg);
      }
    } finally {
      this.shellRunning = false;
    }
  }

  private async onShell(msg: Message): Promise<void> {
    const shell = 'shell';
    const content = msg.content;
    switch (msg.header.msg_type) {
      case 'execute_request':
        if (this.toAbort.delete(msg.header.msg_id)) {
          await this.reply(
            shell,
            msg,
            { status: 'aborted', execution_count: this.executionCount },
            { status: 'aborted' }
          );
          return;
        }
        return this.execute(msg);
      case 'kernel_info_request':
        await this.reply(shell, msg, kernelInfoContent());
        this.onKernelInfo();
        return;
      case 'is_complete_request':
        await this.reply(shell, msg, this.isComplete(String(content.code ?? '')));
        return;
      case 'complete_request': {
        const code = String(content.code ?? '');
        const cursor = codePointToUtf16(code, Number(content.cursor_pos ?? code.length));
        const reply = completeContent(await this.runnerReady, code, cursor);
        reply.cursor_start = utf16ToCodePoint(code, reply.cursor_start);
        reply.cursor_end = utf16ToCodePoint(code, reply.cursor_end);
        await this.reply(shell, msg, reply);
        return;
      }
      case 'inspect_request': {
        const code = String(content.code ?? '');
        const cursor = codePointToUtf16(code, Number(content.cursor_pos ?? code.length));
        await this.reply(shell, msg, inspectContent(await this.runnerReady, code, cursor));
        return;
      }
      case 'history_request':
        await this.reply(shell, msg, this.historyContent(content));
        return;
      case 'comm_info_request':
        await this.reply(shell, msg, { status: 'ok', comms: this.comms.info(content.target_name) });
        return;
      case 'shutdown_request':
        // Older clients send it on shell; the spec moved it to control.
        return this.shutdown(shell, msg);
      default:
        log(`unknown shell message type '${msg.header.msg_type}'`);
    }
  }

  private async onControl(msg: Message): Promise<void> {
    const control = 'control';
    this.publish('status', { execution_state: 'busy' }, msg);
    try {
      switch (msg.header.msg_type) {
        case 'shutdown_request':
          await this.shutdown(control, msg);
          return;
        case 'kernel_info_request':
          await this.reply(control, msg, kernelInfoContent());
          break;
        default:
          log(`unknown control message type '${msg.header.msg_type}'`);
      }
    } catch (err) {
      log(`error handling ${msg.header.msg_type}: ${(err as Error).stack ?? err}`);
    }
    this.publish('status', { execution_state: 'idle' }, msg);
  }

  private async execute(msg: Message): Promise<void> {
    const content = msg.content;
    const code = String(content.code ?? '');
    const silent = content.silent === true;
    const storeHistory = !silent && content.store_history !== false;
    const stopOnError = content.stop_on_error !== false;
    if (storeHistory) this.executionCount += 1;
    const count = this.executionCount;
    if (!silent) this.publish('execute_input', { code, execution_count: count }, msg);

    const started = new Date().toISOString();
    const cell: CellContext = { request: msg, controller: new AbortController() };
    this.running = cell;
    let ran: CellRun;
    try {
      ran = await this.runBody(cell, code, count, silent);
    } catch (err) {
      ran = { error: thrownContent(err) };
    } finally {
      this.running = undefined;
    }
    if (storeHistory) {
      try {
        this.history.record(count, code, ran.resultText);
      } catch (err) {
        log(`could not write the history file ${this.history.file}: ${(err as Error).message}`);
      }
    }

    const error = ran.error;
    const metadata = { started, dependencies_met: true, engine: this.session };
    if (!error) {
      const expressions = await this.userExpressions(cell, content.user_expressions);
      await this.reply(
        'shell',
        msg,
        {
          status: 'ok',
          execution_count: count,
          payload: ran.payload ?? [],
          user_expressions: expressions
        },
        { ...metadata, status: 'ok' }
      );
      return;
    }
    this.publish('error', { ...error }, msg);
    if (stopOnError && !silent) await this.abortQueued();
    await this.reply(
      'shell',
      msg,
      { status: 'error', execution_count: count, ...error },
      { ...metadata, status: 'error' }
    );
  }

  /** Run a cell's code: a cell magic (`%%python`), a pager request (`expr?`) or TypeScript. */
  private async runBody(
    cell: CellContext,
    code: string,
    count: number,
    silent: boolean
  ): Promise<CellRun> {
    const magic = cellMagic(code);
    if (magic) return this.runMagic(cell, magic);
    const runner = await this.runnerReady;
    const page = pagerRequest(code);
    if (page) {
      const info = inspectContent(runner, page.code, page.cursor);
      if (info.found) return { payload: [{ source: 'page', data: info.data, start: 0 }] };
      runInCell(cell, () => process.stdout.write(`Object \`${page.code}\` not found.\n`));
      return {};
    }
    const outcome = await runInCell(cell, () =>
      runWithSignal(cell.controller.signal, () => runner.execute(code))
    );
    if (outcome.kind === 'diagnostics') return { error: compileErrorContent(outcome.diagnostics) };
    if (outcome.kind === 'thrown') {
      const interrupted = cell.controller.signal.aborted || isSigintError(outcome.error);
      return { error: interrupted ? interruptedContent() : thrownContent(outcome.error) };
    }
    if (!outcome.hasValue || silent) return {};
    // A display method that throws is the cell's error, not the kernel's.
    const data = runInCell(cell, () => mimeBundleOf(outcome.value));
    this.publish('execute_result', { execution_count: count, data, metadata: {} }, cell.request);
    return { resultText: String(data['text/plain'] ?? '') };
  }

  /**
   * `%%python` cells in the kernel's Python worker (started on first use). Its output streams
   * to this cell; interrupting the cell aborts the signal, which interrupts the worker.
   */
  private async runMagic(cell: CellContext, magic: CellMagic): Promise<CellRun> {
    if (magic.kind === 'unknown') {
      return { error: { ename: 'UsageError', evalue: magic.message, traceback: [magic.message] } };
    }
    const { sharedPythonWorker } = require('../python') as typeof import('../python');
    const worker = sharedPythonWorker();
    this.pythonWorker = worker;
    const io = {
      stdout: (text: string) => this.publish('stream', { name: 'stdout', text }, cell.request),
      stderr: (text: string) => this.publish('stream', { name: 'stderr', text }, cell.request)
    };
    const signal = cell.controller.signal;
    const error =
      magic.kind === 'python'
        ? await worker.run(magic.code, io, signal)
        : await worker.defineModule(magic.name, magic.code, io, signal);
    return error ? { error } : {};
  }

  private isComplete(code: string): JsonObject {
    // `name?` and cell magics are not TypeScript, yet complete (Python decides for its cells).
    if (pagerRequest(code) || cellMagic(code)) return { status: 'complete' };
    return isCompleteContent(code);
  }

  /** history_reply content for tail / range / search requests (ipykernel's parameters). */
  private historyContent(content: JsonObject): JsonObject {
    const output = content.output === true;
    const n = typeof content.n === 'number' ? content.n : undefined;
    try {
      switch (content.hist_access_type) {
        case 'tail':
          return { status: 'ok', history: this.history.tail(n ?? 10, output) };
        case 'range': {
          const session = typeof content.session === 'number' ? content.session : 0;
          const start = typeof content.start === 'number' ? content.start : 1;
          const stop = typeof content.stop === 'number' ? content.stop : undefined;
          return { status: 'ok', history: this.history.range(session, start, stop, output) };
        }
        case 'search': {
          const pattern = typeof content.pattern === 'string' ? content.pattern : '*';
          const unique = content.unique === true;
          return { status: 'ok', history: this.history.search(pattern, n, unique, output) };
        }
        default:
          log(`history_request with unknown hist_access_type ${String(content.hist_access_type)}`);
          return { status: 'ok', history: [] };
      }
    } catch (err) {
      log(`could not read the history file ${this.history.file}: ${(err as Error).message}`);
      return { status: 'ok', history: [] };
    }
  }

  /**
   * Values of the request's user_expressions, evaluated after a successful cell, in its
   * context (a frontend's way to read state without an extra cell in the history).
   */
  private async userExpressions(cell: CellContext, requested: unknown): Promise<JsonObject> {
    const results: JsonObject = {};
    if (typeof requested !== 'object' || requested === null) return results;
    for (const [name, expression] of Object.entries(requested as Record<string, unknown>)) {
      const runner = await this.runnerReady;
      const outcome = await runInCell(cell, () =>
        runWithSignal(cell.controller.signal, () => runner.execute(String(expression)))
      );
      if (outcome.kind === 'ok') {
        const data = outcome.hasValue ? mimeBundleOf(outcome.value) : { 'text/plain': 'undefined' };
        results[name] = { status: 'ok', data, metadata: {} };
      } else {
        const err =
          outcome.kind === 'diagnostics'
            ? compileErrorContent(outcome.diagnostics)
            : thrownContent(outcome.error);
        results[name] = { status: 'error', ...err };
      }
    }
    return results;
  }

  /**
   * stop_on_error, as ipykernel does it: execute requests that reached the kernel before this
   * error reply are aborted; those sent after it (the user saw the error) run normally.
   */
  private async abortQueued(): Promise<void> {
    // Let the socket reader take in what is already waiting in ZeroMQ's queue.
    for (let i = 0; i < 3; i++) await new Promise(resolve => setImmediate(resolve));
    for (const queued of this.shellQueue) {
      if (queued.header.msg_type === 'execute_request') this.toAbort.add(queued.header.msg_id);
    }
  }

  private async shutdown(channel: ReplyChannel, msg: Message): Promise<void> {
    const content = { status: 'ok', restart: msg.content.restart === true };
    this.interrupt();
    await this.reply(channel, msg, content);
    // Clients that watch iopub learn of the shutdown there too (as from ipykernel).
    this.publish('shutdown_reply', content, msg);
    this.publish('status', { execution_state: 'idle' }, msg);
    await this.sockets.close();
    this.runner?.close();
    await this.pythonWorker?.dispose();
    this.shutdownResolve();
  }
}

/** What running a cell's code gave: an error, or the text of its value and reply payload. */
interface CellRun {
  error?: ErrorContent;
  resultText?: string;
  payload?: JsonObject[];
}

/** The error vm throws when SIGINT stops a synchronous cell (`breakOnSigint`). */
function isSigintError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED';
}
