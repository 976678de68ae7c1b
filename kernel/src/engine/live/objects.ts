/**
 * Live objects: engine values (a pipeline, a training run …) that a widget in the notebook can
 * reach after they were displayed. `liveRef(target, object, bind)` gives the object an id under
 * a comm target; the object's MIME bundle carries `live: { target, id }`. When a widget opens a
 * channel to `target` with `{ id }`, the registered `bind(channel, object)` wires the object's
 * events to channel messages and back. Ids are per process: after a kernel restart the widget
 * asks for an id nobody knows, gets a `gone` message and shows its static data.
 *
 * Engine-only (no Jupyter): the channels come from engine/live/channel.ts.
 */
import { registerCommTarget, type LiveChannel, type LiveData } from './channel';

/** What a displayed object's MIME bundle carries so that its widget can reach it. */
export interface LiveRef {
  /** The comm target the widget opens a channel to. */
  target: string;
  /** The object's id under that target. */
  id: string;
}

/**
 * Wires one channel to one object: forward the object's changes as messages, apply the
 * widget's messages to the object. Returns an optional clean-up, called when the channel
 * closes (unsubscribe from the object there).
 */
export type LiveBind<T> = (channel: LiveChannel, object: T) => void | (() => void);

/** Sent (then the channel is closed) when a widget asks for an object this process lacks. */
export interface LiveGoneMessage {
  type: 'gone';
  reason: string;
}

interface TargetEntry {
  bind: LiveBind<never>;
  objects: Map<string, object>;
  ids: WeakMap<object, string>;
}

const targets = new Map<string, TargetEntry>();
let counter = 0;

/**
 * The live reference of `object` under `target` (the same id every time for the same object).
 * The first call for a target registers its comm target; every call for a target must pass the
 * same kind of bind function (the last one given wins).
 */
export function liveRef<T extends object>(target: string, object: T, bind: LiveBind<T>): LiveRef {
  if (!/^[\w.:-]+$/.test(target)) {
    throw new Error(`liveRef: target '${target}' must be letters, digits, '.', ':', '-' or '_'`);
  }
  let entry = targets.get(target);
  if (!entry) {
    entry = { bind: bind as LiveBind<never>, objects: new Map(), ids: new WeakMap() };
    targets.set(target, entry);
    const registered = entry;
    registerCommTarget(target, (channel, data) => openChannel(registered, channel, data));
  }
  entry.bind = bind as LiveBind<never>;
  let id = entry.ids.get(object);
  if (id === undefined) {
    id = `${process.pid.toString(36)}-${(++counter).toString(36)}`;
    entry.ids.set(object, id);
    entry.objects.set(id, object);
  }
  return { target, id };
}

/** The object registered under `target` and `id`, if this process has it. */
export function liveObject<T = unknown>(target: string, id: string): T | undefined {
  return targets.get(target)?.objects.get(id) as T | undefined;
}

/** Forget an object: widgets that open a channel to it later get `gone`. */
export function forgetLive(target: string, object: object): void {
  const entry = targets.get(target);
  const id = entry?.ids.get(object);
  if (!entry || id === undefined) return;
  entry.ids.delete(object);
  entry.objects.delete(id);
}

function openChannel(entry: TargetEntry, channel: LiveChannel, data: LiveData): void {
  const id = data.id;
  const object = typeof id === 'string' ? entry.objects.get(id) : undefined;
  if (object === undefined) {
    const reason =
      typeof id !== 'string'
        ? `the channel to '${channel.target}' was opened without an object id (data.id)`
        : `no object '${id}' under '${channel.target}' in this kernel (was the kernel restarted?)`;
    const gone: LiveGoneMessage = { type: 'gone', reason };
    channel.send({ ...gone });
    channel.close({ ...gone });
    return;
  }
  const cleanup = entry.bind(channel, object as never);
  if (typeof cleanup === 'function') channel.onClose(() => cleanup());
}
