import { randomUUID } from 'node:crypto';
import { endpoint, readConnectionFile } from './connection';
import { setLiveHost } from '../engine/live/channel';
import { setDisplayHook } from '../engine/live/display';
import { clearOutput, display, DISPLAY_DECLARATION, installDisplayGlobal } from './display';
import type { CellRunner } from './executor';
import { startHeartbeat } from './heartbeat';
import { Kernel } from './kernel';
import { log } from './log';
import { medflowAlias } from './moduleAlias';
import { currentCell } from './output';
import { KernelSockets } from './sockets';

export { clearOutput, display, mimeBundleOf } from './display';

/** How long after start-up the converter warms up if no kernel_info_request came first. */
const WARM_UP_DELAY_MS = 300;

/**
 * Run the medflow kernel for one connection file (`medflow kernel -f <file>`). Resolves after
 * a shutdown_request has been answered and the sockets are closed.
 */
export async function runKernel(connectionFile: string): Promise<void> {
  const info = readConnectionFile(connectionFile);
  // Interrupts arrive as SIGINT: from Jupyter (interrupt_mode 'signal') or raised by the control
  // thread (mode 'message'). A synchronous cell is stopped by vm's breakOnSigint (tslab runs
  // cells with it); an awaiting one by this handler. Installed first: without a handler, an
  // early interrupt (while the compiler loads) would end the process.
  const started: { kernel?: Kernel } = {};
  const onSigint = (): void => started.kernel?.interrupt();
  process.on('SIGINT', onSigint);
  const session = randomUUID();
  const sockets = new KernelSockets(info, session);
  await sockets.bind();
  const heartbeat = await startHeartbeat(
    endpoint(info, 'hb'),
    info.transport === 'tcp' && info.ip.includes(':')
  );

  installDisplayGlobal();
  let firstKernelInfo!: () => void;
  const answered = new Promise<void>(resolve => (firstKernelInfo = resolve));
  const runnerReady = warmUp(answered);
  const kernel = new Kernel(sockets, runnerReady, session, undefined, firstKernelInfo);
  started.kernel = kernel;
  setLiveHost(kernel.comms);
  // Engine code (a live training view …) shows values in the running cell through this hook.
  setDisplayHook((value, options) => {
    if (!currentCell()) return false;
    display(value, options);
    return true;
  });

  // Work a cell started may fail after the cell returned; that must not end the kernel.
  const onUncaught = (err: unknown): void => reportStray('uncaught exception', err);
  const onUnhandled = (reason: unknown): void => reportStray('unhandled promise rejection', reason);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);

  kernel.start();
  log(
    `ready on ${info.transport}://${info.ip} (pid ${process.pid}, ` +
      `${Math.round(process.uptime() * 1000)} ms after process start)`
  );
  await kernel.finished;
  setLiveHost(undefined);
  setDisplayHook(undefined);

  process.off('SIGINT', onSigint);
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUnhandled);
  await heartbeat.stop();
  log('shut down');
  // Timers or thread pools a cell left running must not keep a shut-down kernel alive.
  setTimeout(() => process.exit(0), 500).unref();
}

/**
 * Create tslab's converter and type-check a first cell, after the first kernel_info_reply is
 * out (the client learns at once that the kernel is up) or shortly after start-up. The work
 * blocks the event loop for a second or two, so it starts only then; cells wait for it.
 */
async function warmUp(answered: Promise<void>): Promise<CellRunner> {
  await Promise.race([answered, new Promise(resolve => setTimeout(resolve, WARM_UP_DELAY_MS))]);
  // A turn of the event loop between the steps lets waiting requests (is_complete,
  // comm_info …) be answered.
  await new Promise(resolve => setImmediate(resolve));
  const t0 = Date.now();
  const { createCellRunner } = require('./executor') as typeof import('./executor');
  const runner = createCellRunner({
    aliases: [medflowAlias()],
    prelude: DISPLAY_DECLARATION,
    locals: { display, clearOutput }
  });
  await new Promise(resolve => setImmediate(resolve));
  const outcome = await runner.execute('void 0');
  if (outcome.kind !== 'ok') log(`converter warm-up cell failed: ${JSON.stringify(outcome)}`);
  log(`TypeScript converter ready in ${Date.now() - t0} ms`);
  return runner;
}

/** Show an error from background work in the cell that started it (else in the server log). */
function reportStray(what: string, err: unknown): void {
  const text = err instanceof Error ? (err.stack ?? String(err)) : String(err);
  if (currentCell()) process.stderr.write(`${what}: ${text}\n`);
  else log(`${what}: ${text}`);
}
