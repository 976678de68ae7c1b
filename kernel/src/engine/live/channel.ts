/**
 * Live channels: how engine objects (a training run, a pipeline preview …) talk both ways with
 * their widget in the notebook, without knowing Jupyter. The kernel fills in the host at
 * start-up (kernel/src/jupyter/comms.ts carries it over Jupyter comms); outside a kernel there
 * is none and `liveHost()` is undefined, so engine code works headless too.
 *
 * Messages are JSON objects plus optional binary buffers (raw tensor bytes travel as buffers,
 * never as JSON number lists).
 */

export type LiveData = Record<string, unknown>;
/** Binary payloads. Received buffers are Uint8Arrays (views of the message's frames). */
export type LiveBuffers = ReadonlyArray<ArrayBuffer | ArrayBufferView>;

export interface LiveChannel {
  /** Unique id of the channel (the comm id). */
  readonly id: string;
  /** The target the channel was opened for (the widget kind). */
  readonly target: string;
  /** True once either side has closed the channel. */
  readonly closed: boolean;
  /** Send a patch to the other side; ignored (and logged) after close. */
  send(data: LiveData, buffers?: LiveBuffers): void;
  /** Called for every message from the other side. */
  onMessage(callback: (data: LiveData, buffers: Uint8Array[]) => void): void;
  /** Called once when the channel closes, from either side. */
  onClose(callback: (data: LiveData) => void): void;
  /** Close the channel (tells the other side). */
  close(data?: LiveData): void;
}

/** Handles a channel the frontend opened to a registered target. */
export type LiveTargetHandler = (
  channel: LiveChannel,
  data: LiveData,
  buffers: Uint8Array[]
) => void;

export interface LiveChannelHost {
  /** Open a channel to the frontend's handler for `target`. */
  open(target: string, data?: LiveData, buffers?: LiveBuffers): LiveChannel;
  /** Accept channels the frontend opens to `target` (replaces an earlier handler). */
  registerTarget(target: string, handler: LiveTargetHandler): void;
  unregisterTarget(target: string): void;
}

let host: LiveChannelHost | undefined;
/** Targets registered through registerCommTarget, carried over to every host set later. */
const targets = new Map<string, LiveTargetHandler>();

/** Called by the kernel at start-up (and by tests with their own host). */
export function setLiveHost(next: LiveChannelHost | undefined): void {
  host = next;
  for (const [target, handler] of targets) next?.registerTarget(target, handler);
}

/** The host of this process, or undefined when no notebook frontend is attached. */
export function liveHost(): LiveChannelHost | undefined {
  return host;
}

/**
 * Accept channels the frontend opens to `target`. Works before a host exists (engine modules
 * may register at load time): the registration is handed to the host once it is set.
 */
export function registerCommTarget(target: string, handler: LiveTargetHandler): void {
  targets.set(target, handler);
  host?.registerTarget(target, handler);
}
