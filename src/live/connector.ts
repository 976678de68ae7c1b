/**
 * Connects live models to the kernel of the notebook (or console) their output is shown in.
 * A MIME renderer gets no kernel from JupyterLab, so the connector looks for the panel whose
 * DOM contains the renderer's node, among the panels the notebook and console trackers know.
 * It follows that panel's kernel: a restart or a kernel change reconnects the model, which
 * then asks the new kernel for its object and, not finding it, shows the static data.
 */
import type { ISessionContext } from '@jupyterlab/apputils';
import type { IConsoleTracker } from '@jupyterlab/console';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { Kernel } from '@jupyterlab/services';
import type { ILiveConnector } from '../tokens';
import type { LiveComm, LiveModel } from './live-model';

/** A panel that owns a kernel session: a notebook or a console. */
interface SessionPanel {
  readonly node: HTMLElement;
  readonly sessionContext: ISessionContext;
}

/** Finds the session panel around a DOM node. */
export type SessionFinder = (node: HTMLElement) => ISessionContext | null;

export function trackerSessionFinder(
  notebooks: INotebookTracker | null,
  consoles: IConsoleTracker | null
): SessionFinder {
  return node => {
    const inside = (panel: SessionPanel) => panel.node.contains(node);
    const panel = notebooks?.find(inside) ?? consoles?.find(inside);
    return panel?.sessionContext ?? null;
  };
}

export class LiveConnector implements ILiveConnector {
  constructor(private readonly findSession: SessionFinder) {}

  /**
   * Connects `model` to the kernel of the panel around `node` (call it once the node is in the
   * document) and keeps it connected across restarts. Returns the function that stops
   * following the kernel (the model's own dispose closes the channel).
   */
  attach<S>(model: LiveModel<S>, node: HTMLElement): () => void {
    const session = this.findSession(node);
    if (!session) {
      model.connect(null);
      return () => undefined;
    }
    let kernel: Kernel.IKernelConnection | null = null;
    const follow = (): void => {
      const next = session.session?.kernel ?? null;
      if (next === kernel) return;
      kernel = next;
      model.connect(next ? commFactory(next) : null);
    };
    const onStatus = (_: unknown, status: Kernel.Status): void => {
      // After a restart the kernel object stays the same but its objects are gone.
      if (status === 'restarting' || status === 'autorestarting' || status === 'dead') {
        model.disconnect('no-kernel');
        kernel = null;
      } else if (status === 'idle' && kernel === null) follow();
    };
    session.kernelChanged.connect(follow);
    session.statusChanged.connect(onStatus);
    if (session.isReady) follow();
    else void session.ready.then(follow, () => model.connect(null));
    return () => {
      session.kernelChanged.disconnect(follow);
      session.statusChanged.disconnect(onStatus);
    };
  }
}

function commFactory(kernel: Kernel.IKernelConnection): (target: string) => LiveComm {
  return target => kernel.createComm(target) as unknown as LiveComm;
}
