import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * The Jupyter wire format (messaging protocol 5.x): how one message maps onto ZeroMQ frames,
 * and how it is signed. Everything here is pure (no sockets), so it is unit-tested directly.
 *
 *   [identities...] '<IDS|MSG>' signature header parent_header metadata content [buffers...]
 *
 * The signature is the hex HMAC of the four JSON frames, in that order, with the connection
 * file's key. An empty key means "no authentication" (the spec's rule), so nothing is signed.
 */

export const DELIMITER = '<IDS|MSG>';
export const PROTOCOL_VERSION = '5.3';

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [extra: string]: unknown;
}

export type JsonObject = Record<string, unknown>;

export interface Message<C extends JsonObject = JsonObject> {
  /** ROUTER routing frames of the sender; replies go back through the same ones. */
  identities: Buffer[];
  header: Header;
  /** The header of the request this message answers, or {} for unsolicited messages. */
  parent_header: Header | Record<string, never>;
  metadata: JsonObject;
  content: C;
  buffers: Buffer[];
}

export interface SignatureScheme {
  /** The HMAC key; empty disables signing and verification. */
  key: string;
  /** Node's name of the digest, from `signature_scheme` ('hmac-sha256' -> 'sha256'). */
  digest: string;
}

export function parseSignatureScheme(scheme: string | undefined, key: string): SignatureScheme {
  const name = scheme ?? 'hmac-sha256';
  if (!name.startsWith('hmac-')) {
    throw new Error(`unsupported signature_scheme '${name}' (only hmac-* schemes exist)`);
  }
  const digest = name.slice('hmac-'.length);
  // Fail at start-up rather than on the first message if Node lacks the digest.
  createHmac(digest, 'probe');
  return { key, digest };
}

/** The signature of the four JSON frames, as lowercase hex ('' when signing is off). */
export function sign(scheme: SignatureScheme, frames: Array<Buffer | string>): string {
  if (!scheme.key) return '';
  const hmac = createHmac(scheme.digest, scheme.key);
  for (const frame of frames) hmac.update(frame);
  return hmac.digest('hex');
}

/** Constant-time check of a received signature against the one we compute. */
export function verify(scheme: SignatureScheme, signature: string, frames: Buffer[]): boolean {
  if (!scheme.key) return true;
  const expected = Buffer.from(sign(scheme, frames), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch is itself a failed check.
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}

export function newHeader(msgType: string, session: string, username = 'medflow'): Header {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION
  };
}

/** The frames to send for `msg`: identities, delimiter, signature, JSON parts, buffers. */
export function serialize(scheme: SignatureScheme, msg: Message): Buffer[] {
  const json = [msg.header, msg.parent_header, msg.metadata, msg.content].map(part =>
    Buffer.from(JSON.stringify(part), 'utf8')
  );
  return [
    ...msg.identities,
    Buffer.from(DELIMITER, 'utf8'),
    Buffer.from(sign(scheme, json), 'utf8'),
    ...json,
    ...msg.buffers
  ];
}

export type ParseResult = { ok: true; message: Message } | { ok: false; reason: string };

/**
 * Split received frames into a message, verifying the signature over the raw received bytes
 * (never over re-serialised JSON, which would not match byte for byte).
 */
export function deserialize(scheme: SignatureScheme, frames: Buffer[]): ParseResult {
  const delim = frames.findIndex(f => f.length === DELIMITER.length && f.toString() === DELIMITER);
  if (delim < 0) return { ok: false, reason: 'no <IDS|MSG> delimiter' };
  if (frames.length < delim + 6) return { ok: false, reason: 'too few frames after delimiter' };
  const signature = frames[delim + 1].toString('utf8');
  const json = frames.slice(delim + 2, delim + 6);
  if (scheme.key && signature.length === 0) return { ok: false, reason: 'missing signature' };
  if (!verify(scheme, signature, json)) return { ok: false, reason: 'invalid signature' };
  let parts: unknown[];
  try {
    parts = json.map(f => JSON.parse(f.toString('utf8')));
  } catch (err) {
    return { ok: false, reason: `malformed JSON: ${(err as Error).message}` };
  }
  const [header, parent, metadata, content] = parts;
  if (!isObject(header) || typeof header.msg_type !== 'string') {
    return { ok: false, reason: 'header without msg_type' };
  }
  return {
    ok: true,
    message: {
      identities: frames.slice(0, delim),
      header: header as Header,
      parent_header: (isObject(parent) ? parent : {}) as Header,
      metadata: isObject(metadata) ? metadata : {},
      content: isObject(content) ? content : {},
      buffers: frames.slice(delim + 6)
    }
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Remembers recently seen signatures so that a captured message cannot be replayed (as
 * ipykernel does). Bounded, so a long session does not grow without limit.
 */
export class ReplayGuard {
  private readonly seen = new Set<string>();
  constructor(private readonly capacity = 10000) {}

  /** False if `signature` was seen before; otherwise records it. */
  accept(signature: string): boolean {
    if (!signature) return true;
    if (this.seen.has(signature)) return false;
    this.seen.add(signature);
    if (this.seen.size > this.capacity) {
      // Sets iterate in insertion order: drop the oldest entry.
      const oldest = this.seen.values().next().value as string;
      this.seen.delete(oldest);
    }
    return true;
  }
}

/** The signature frame of raw frames (for the replay guard), or '' if there is none. */
export function signatureOf(frames: Buffer[]): string {
  const delim = frames.findIndex(f => f.length === DELIMITER.length && f.toString() === DELIMITER);
  return delim >= 0 && frames.length > delim + 1 ? frames[delim + 1].toString('utf8') : '';
}
