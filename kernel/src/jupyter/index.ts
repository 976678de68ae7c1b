import { randomUUID } from 'node:crypto';
import { endpoint, readConnectionFile } from './connection';
import { display, DISPLAY_DECLARATION, installDisplayGlobal } from './display';
import { createCellRunner } from './executor';
import { startHeartbeat } from './heartbeat';
import { Kernel } from './kernel';
import { log } from './log';
import { medflowAlias } from './moduleAlias';
import { currentCell } from './output';
import { KernelSockets } from './sockets';

export { display, mimeBundleOf } from './display';

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
  const runner = createCellRunner({
    aliases: [medflowAlias()],
    prelude: DISPLAY_DECLARATION,
    locals: { display }
  });
  const kernel = new Kernel(sockets, runner, session);
  started.kernel = kernel;

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

  process.off('SIGINT', onSigint);
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUnhandled);
  await heartbeat.stop();
  log('shut down');
  // Timers or thread pools a cell left running must not keep a shut-down kernel alive.
  setTimeout(() => process.exit(0), 500).unref();
}

/** Show an error from background work in the cell that started it (else in the server log). */
function reportStray(what: string, err: unknown): void {
  const text = err instanceof Error ? (err.stack ?? String(err)) : String(err);
  if (currentCell()) process.stderr.write(`${what}: ${text}\n`);
  else log(`${what}: ${text}`);
}
