/**
 * What a live MIME bundle carries and the few messages every live object speaks
 * (kernel/src/engine/live/objects.ts is the other side). Everything else on a channel is the
 * object's own protocol, handed to the widget untouched.
 */

/** `live` field of a MIME bundle's data: where the widget reaches the object in the kernel. */
export interface LiveRef {
  target: string;
  id: string;
}

/** Reads `data.live` of a MIME bundle; undefined when absent or malformed. */
export function readLiveRef(data: unknown): LiveRef | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const live = (data as { live?: unknown }).live;
  if (typeof live !== 'object' || live === null) return undefined;
  const { target, id } = live as Record<string, unknown>;
  return typeof target === 'string' && target !== '' && typeof id === 'string' && id !== ''
    ? { target, id }
    : undefined;
}

/**
 * Where the widget stands:
 * - `connecting`: a channel to the kernel is being opened;
 * - `live`: connected, edits reach the kernel and its changes redraw the widget;
 * - `static`: no kernel, or the object is gone (kernel restarted): the saved data is shown.
 */
export type LiveStatus = 'connecting' | 'live' | 'static';

/** Why a widget shows static data (a stable key the view translates, plus details). */
export type StaticReason = 'no-kernel' | 'gone' | 'closed' | 'no-reference';

/** A message from the kernel, as every live object may send it. */
export type LiveIncoming =
  | { type: 'state'; state: unknown }
  | { type: 'gone'; reason: string }
  | { type: string; [key: string]: unknown };

export type LiveOutgoing = Record<string, unknown>;
