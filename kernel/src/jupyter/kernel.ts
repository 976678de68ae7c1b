import { runWithSignal } from '../engine/cancel';
import { mimeBundleOf, setDisplaySink } from './display';
import { compileErrorContent, ErrorContent, interruptedContent, thrownContent } from './errors';
import type { CellRunner } from './executor';
import {
  codePointToUtf16,
  completeContent,
  inspectContent,
  isCompleteContent,
  utf16ToCodePoint
} from './introspection';
import { kernelInfoContent } from './kernelInfo';
import { log } from './log';
import { CellContext, installStreamRouting, runInCell } from './output';
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
  private shutdownResolve!: () => void;
  /** Resolves when a shutdown_request has been answered and the sockets are closed. */
  readonly finished = new Promise<void>(resolve => (this.shutdownResolve = resolve));

  constructor(
    private readonly sockets: KernelSockets,
    private readonly runner: CellRunner,
    /** Our session id, in the header of every message we send. */
    readonly session: string
  ) {
    installStreamRouting((cell, name, text) => {
      this.publish('stream', { name, text }, cell.request);
    });
    setDisplaySink((cell, msgType, data, metadata, transient) => {
      this.publish(msgType, { data, metadata, transient }, cell.request);
    });
  }

  start(): void {
    this.sockets.listenShell(msg => {
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
    this.runner.interrupt();
  }

  publish(msgType: string, content: JsonObject, parent: Message | undefined): void {
    void this.sockets.publish({
      identities: [Buffer.from(`kernel.${this.session}.${msgType}`)],
      header: newHeader(msgType, this.session),
      parent_header: parent ? parent.header : {},
      metadata: {},
      content,
      buffers: []
    });
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
        return;
      case 'is_complete_request':
        await this.reply(shell, msg, isCompleteContent(String(content.code ?? '')));
        return;
      case 'complete_request': {
        const code = String(content.code ?? '');
        const cursor = codePointToUtf16(code, Number(content.cursor_pos ?? code.length));
        const reply = completeContent(this.runner, code, cursor);
        reply.cursor_start = utf16ToCodePoint(code, reply.cursor_start);
        reply.cursor_end = utf16ToCodePoint(code, reply.cursor_end);
        await this.reply(shell, msg, reply);
        return;
      }
      case 'inspect_request': {
        const code = String(content.code ?? '');
        const cursor = codePointToUtf16(code, Number(content.cursor_pos ?? code.length));
        await this.reply(shell, msg, inspectContent(this.runner, code, cursor));
        return;
      }
      case 'history_request':
        // Full history (tail/range/search) arrives with the kernel issue.
        await this.reply(shell, msg, { status: 'ok', history: [] });
        return;
      case 'comm_info_request':
        await this.reply(shell, msg, { status: 'ok', comms: {} });
        return;
      case 'shutdown_request':
        // Older clients send it on shell; the spec moved it to control.
        return this.shutdown(shell, msg);
      case 'comm_open':
      case 'comm_msg':
      case 'comm_close':
        log(`no comm targets yet; ignored ${msg.header.msg_type}`);
        return;
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
    const stopOnError = content.stop_on_error !== false;
    if (!silent) this.executionCount += 1;
    const count = this.executionCount;
    if (!silent) this.publish('execute_input', { code, execution_count: count }, msg);

    const started = new Date().toISOString();
    const cell: CellContext = { request: msg, controller: new AbortController() };
    this.running = cell;
    let error: ErrorContent | undefined;
    try {
      const outcome = await runInCell(cell, () =>
        runWithSignal(cell.controller.signal, () => this.runner.execute(code))
      );
      if (outcome.kind === 'diagnostics') {
        error = compileErrorContent(outcome.diagnostics);
      } else if (outcome.kind === 'thrown') {
        error =
          cell.controller.signal.aborted || isSigintError(outcome.error)
            ? interruptedContent()
            : thrownContent(outcome.error);
      } else if (outcome.hasValue && !silent) {
        // A display method that throws is the cell's error, not the kernel's.
        const data = runInCell(cell, () => mimeBundleOf(outcome.value));
        this.publish('execute_result', { execution_count: count, data, metadata: {} }, msg);
      }
    } catch (err) {
      error = thrownContent(err);
    } finally {
      this.running = undefined;
    }

    const metadata = { started, dependencies_met: true, engine: this.session };
    if (!error) {
      const expressions = await this.userExpressions(cell, content.user_expressions);
      await this.reply(
        'shell',
        msg,
        { status: 'ok', execution_count: count, payload: [], user_expressions: expressions },
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

  /**
   * Values of the request's user_expressions, evaluated after a successful cell, in its
   * context (a frontend's way to read state without an extra cell in the history).
   */
  private async userExpressions(cell: CellContext, requested: unknown): Promise<JsonObject> {
    const results: JsonObject = {};
    if (typeof requested !== 'object' || requested === null) return results;
    for (const [name, expression] of Object.entries(requested as Record<string, unknown>)) {
      const outcome = await runInCell(cell, () =>
        runWithSignal(cell.controller.signal, () => this.runner.execute(String(expression)))
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
    this.runner.close();
    this.shutdownResolve();
  }
}

/** The error vm throws when SIGINT stops a synchronous cell (`breakOnSigint`). */
function isSigintError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED';
}
