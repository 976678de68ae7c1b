/**
 * The widget side of one live object: its state (the static bundle data until the kernel
 * sends better), its connection status, and the channel to the kernel. Framework-free: React
 * views subscribe through useLiveModel (./useLiveModel.ts), tests drive it directly.
 *
 * The kernel side sends `{ type: 'state', state }` to replace the state, `{ type: 'gone' }`
 * when it does not have the object (then the widget stays static); every other message is the
 * object's own and goes to `onMessage` listeners.
 */
import type { LiveIncoming, LiveOutgoing, LiveRef, LiveStatus, StaticReason } from './protocol';

/** The few parts of a Jupyter comm this model uses (Kernel.IComm fits it). */
export interface LiveComm {
  readonly isDisposed: boolean;
  onMsg: (msg: { content: { data: unknown } }) => void | PromiseLike<void>;
  onClose: (msg: { content: { data: unknown } }) => void | PromiseLike<void>;
  open(data?: Record<string, unknown>): unknown;
  send(data: Record<string, unknown>): unknown;
  close(data?: Record<string, unknown>): unknown;
  dispose(): void;
}

export interface LiveSnapshot<S> {
  state: S;
  status: LiveStatus;
  /** Set while status is `static`. */
  staticReason?: StaticReason;
  /** The kernel's words for `gone`/`closed`, if it gave some. */
  detail?: string;
  /** Counts state messages from the kernel, so views can tell a first sync from a refresh. */
  revision: number;
}

type Listener = () => void;
type MessageListener = (message: LiveIncoming) => void;

export class LiveModel<S> {
  constructor(
    readonly ref: LiveRef | undefined,
    initial: S,
    /** Checks a state from the kernel; returns undefined to keep the current one. */
    private readonly readState: (raw: unknown) => S | undefined = raw => raw as S,
    /**
     * Folds an event message (a trial finished, a status changed) into the state, for objects
     * whose kernel sends changes after the first state; undefined or the same state: no change.
     * Every message still reaches the `onMessage` listeners.
     */
    private readonly fold?: (state: S, message: LiveIncoming) => S | undefined
  ) {
    this._snapshot = {
      state: initial,
      status: 'static',
      staticReason: ref ? 'no-kernel' : 'no-reference',
      revision: 0
    };
  }

  /** The current state and status; a new object after every change (React compares it). */
  get snapshot(): LiveSnapshot<S> {
    return this._snapshot;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Called on every change of the snapshot; returns the unsubscribe function. */
  subscribe = (listener: Listener): (() => void) => {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  };

  /** Called for every object-specific message from the kernel. */
  onMessage(listener: MessageListener): () => void {
    this._messageListeners.add(listener);
    return () => this._messageListeners.delete(listener);
  }

  /**
   * Opens a channel through `createComm` (a kernel's), or goes static when there is none.
   * An earlier channel is closed first: call it again after a kernel restart.
   */
  connect(createComm: ((target: string) => LiveComm) | null): void {
    if (this._disposed) return;
    this._closeComm();
    if (!this.ref) return this._set({ status: 'static', staticReason: 'no-reference' });
    if (!createComm) return this._set({ status: 'static', staticReason: 'no-kernel' });
    let comm: LiveComm;
    try {
      comm = createComm(this.ref.target);
    } catch (err) {
      return this._set({ status: 'static', staticReason: 'no-kernel', detail: String(err) });
    }
    this._comm = comm;
    comm.onMsg = msg => this._received(comm, msg.content.data);
    comm.onClose = msg => {
      if (this._comm !== comm) return;
      this._comm = null;
      const data = msg.content.data as { type?: unknown; reason?: unknown } | undefined;
      if (this._snapshot.staticReason === 'gone') return;
      // Closed before any state: the kernel has no such object, or (a fresh kernel that never
      // showed one) not even the target.
      const gone = data?.type === 'gone' || this._snapshot.status === 'connecting';
      this._set({
        status: 'static',
        staticReason: gone ? 'gone' : 'closed',
        detail: typeof data?.reason === 'string' ? data.reason : undefined
      });
    };
    this._set({ status: 'connecting', staticReason: undefined, detail: undefined });
    comm.open({ id: this.ref.id });
  }

  /** Marks the widget static (the kernel went away); `connect` again when a new one is up. */
  disconnect(reason: StaticReason = 'no-kernel'): void {
    this._closeComm();
    this._set({ status: 'static', staticReason: reason, detail: undefined });
  }

  /** Sends a message to the kernel's object; false (nothing sent) unless live. */
  send(message: LiveOutgoing): boolean {
    const comm = this._comm;
    if (!comm || comm.isDisposed || this._snapshot.status !== 'live') return false;
    comm.send(message);
    return true;
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._closeComm();
    this._listeners.clear();
    this._messageListeners.clear();
  }

  private _received(comm: LiveComm, raw: unknown): void {
    if (this._comm !== comm || typeof raw !== 'object' || raw === null) return;
    const message = raw as LiveIncoming;
    if (message.type === 'state') {
      const state = this.readState((message as { state: unknown }).state);
      if (state === undefined) return;
      this._set({
        state,
        status: 'live',
        staticReason: undefined,
        detail: undefined,
        revision: this._snapshot.revision + 1
      });
      return;
    }
    if (message.type === 'gone') {
      const reason = (message as { reason?: unknown }).reason;
      this._set({
        status: 'static',
        staticReason: 'gone',
        detail: typeof reason === 'string' ? reason : undefined
      });
      return;
    }
    const current = this._snapshot.state;
    const next = this.fold?.(current, message);
    if (next !== undefined && next !== current) {
      this._set({ state: next, revision: this._snapshot.revision + 1 });
    }
    this._messageListeners.forEach(listener => listener(message));
  }

  private _closeComm(): void {
    const comm = this._comm;
    this._comm = null;
    if (comm && !comm.isDisposed) {
      try {
        comm.close();
      } catch {
        // The kernel is already gone: nothing to tell it.
      }
      comm.dispose();
    }
  }

  private _set(change: Partial<LiveSnapshot<S>>): void {
    if (this._disposed) return;
    this._snapshot = { ...this._snapshot, ...change };
    this._listeners.forEach(listener => listener());
  }

  private _snapshot: LiveSnapshot<S>;
  private _comm: LiveComm | null = null;
  private _disposed = false;
  private readonly _listeners = new Set<Listener>();
  private readonly _messageListeners = new Set<MessageListener>();
}
