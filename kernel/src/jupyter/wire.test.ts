import { createHmac } from 'node:crypto';
import {
  DELIMITER,
  deserialize,
  Message,
  newHeader,
  parseSignatureScheme,
  ReplayGuard,
  serialize,
  sign,
  verify
} from './wire';

const scheme = parseSignatureScheme('hmac-sha256', 'a0436f6c-1916-498b-8eb9-e81ab9368e84');

function message(overrides: Partial<Message> = {}): Message {
  return {
    identities: [Buffer.from('client-1'), Buffer.from([0, 1, 2, 255])],
    header: newHeader('execute_request', 'session-a', 'user'),
    parent_header: {},
    metadata: { cellId: 'c1' },
    content: { code: 'console.log("ünïcødé ✓")', silent: false },
    buffers: [Buffer.from([1, 2, 3]), Buffer.alloc(0)],
    ...overrides
  };
}

describe('signing', () => {
  it('is the hex HMAC-SHA256 of header, parent, metadata and content (as Python computes it)', () => {
    const frames = ['{"a":1}', '{}', '{}', '{"code":"1"}'].map(s => Buffer.from(s));
    const hmac = createHmac('sha256', scheme.key);
    frames.forEach(f => hmac.update(f));
    const expected = hmac.digest('hex');
    expect(sign(scheme, frames)).toBe(expected);
    expect(verify(scheme, expected, frames)).toBe(true);
  });

  it('rejects a wrong, truncated or empty signature', () => {
    const frames = [Buffer.from('{}'), Buffer.from('{}'), Buffer.from('{}'), Buffer.from('{}')];
    const good = sign(scheme, frames);
    const flipped = (good[0] === 'a' ? 'b' : 'a') + good.slice(1);
    expect(verify(scheme, flipped, frames)).toBe(false);
    expect(verify(scheme, good.slice(0, 10), frames)).toBe(false);
    expect(verify(scheme, '', frames)).toBe(false);
    const otherKey = parseSignatureScheme('hmac-sha256', 'another key');
    expect(verify(scheme, sign(otherKey, frames), frames)).toBe(false);
  });

  it('signs nothing and accepts everything when the key is empty (the spec says so)', () => {
    const open = parseSignatureScheme('hmac-sha256', '');
    expect(sign(open, [Buffer.from('{}')])).toBe('');
    const frames = serialize(open, message());
    expect(deserialize(open, frames).ok).toBe(true);
  });

  it('refuses unknown signature schemes at start-up', () => {
    expect(() => parseSignatureScheme('rsa-sha256', 'k')).toThrow(/signature_scheme/);
    expect(() => parseSignatureScheme('hmac-nosuchdigest', 'k')).toThrow();
  });
});

describe('framing', () => {
  it('round-trips identities, the four JSON parts and binary buffers', () => {
    const msg = message({ parent_header: newHeader('kernel_info_request', 'session-b') });
    const frames = serialize(scheme, msg);
    expect(frames[0]).toEqual(msg.identities[0]);
    expect(frames[1]).toEqual(msg.identities[1]);
    expect(frames[2].toString()).toBe(DELIMITER);
    expect(frames).toHaveLength(2 + 2 + 4 + 2);
    const parsed = deserialize(scheme, frames);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.message).toEqual(msg);
  });

  it('handles messages without identities (iopub style) and without buffers', () => {
    const msg = message({ identities: [], buffers: [] });
    const frames = serialize(scheme, msg);
    expect(frames[0].toString()).toBe(DELIMITER);
    const parsed = deserialize(scheme, frames);
    expect(parsed.ok && parsed.message.content).toEqual(msg.content);
  });

  it('verifies the raw received bytes, so key order and spacing of the sender do not matter', () => {
    // Python's json.dumps writes '{"b": 2, "a": 1}'; re-serialising would change the bytes.
    const json = [
      '{"msg_id": "1", "msg_type": "kernel_info_request", "session": "s", "username": "u", "date": "", "version": "5.3"}',
      '{}',
      '{}',
      '{"b": 2, "a": 1}'
    ].map(s => Buffer.from(s));
    const frames = [
      Buffer.from('id'),
      Buffer.from(DELIMITER),
      Buffer.from(sign(scheme, json)),
      ...json
    ];
    const parsed = deserialize(scheme, frames);
    expect(parsed.ok && parsed.message.content).toEqual({ a: 1, b: 2 });
  });

  it('drops forged, unsigned and tampered messages', () => {
    const frames = serialize(scheme, message());
    const delim = frames.findIndex(f => f.toString() === DELIMITER);

    const unsigned = [...frames];
    unsigned[delim + 1] = Buffer.alloc(0);
    expect(deserialize(scheme, unsigned)).toEqual({ ok: false, reason: 'missing signature' });

    const forged = [...frames];
    forged[delim + 1] = Buffer.from(
      sign(parseSignatureScheme('hmac-sha256', 'guess'), frames.slice(delim + 2, delim + 6))
    );
    expect(deserialize(scheme, forged)).toEqual({ ok: false, reason: 'invalid signature' });

    const tampered = [...frames];
    tampered[delim + 5] = Buffer.from(
      '{"code":"require(\'child_process\').execSync(\'rm -rf ~\')"}'
    );
    expect(deserialize(scheme, tampered)).toEqual({ ok: false, reason: 'invalid signature' });

    const tamperedHeader = [...frames];
    tamperedHeader[delim + 2] = Buffer.from(
      frames[delim + 2].toString().replace('execute_request', 'shutdown_request')
    );
    expect(deserialize(scheme, tamperedHeader).ok).toBe(false);
  });

  it('reports malformed framing instead of throwing', () => {
    expect(deserialize(scheme, [Buffer.from('no delimiter')]).ok).toBe(false);
    expect(deserialize(scheme, [Buffer.from(DELIMITER), Buffer.from('sig')]).ok).toBe(false);
    const json = ['not json', '{}', '{}', '{}'].map(s => Buffer.from(s));
    const frames = [Buffer.from(DELIMITER), Buffer.from(sign(scheme, json)), ...json];
    const parsed = deserialize(scheme, frames);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(/malformed JSON/);
  });
});

describe('replay guard', () => {
  it('accepts a signature once and forgets the oldest beyond its capacity', () => {
    const guard = new ReplayGuard(2);
    expect(guard.accept('s1')).toBe(true);
    expect(guard.accept('s1')).toBe(false);
    expect(guard.accept('s2')).toBe(true);
    expect(guard.accept('s3')).toBe(true);
    expect(guard.accept('s1')).toBe(true);
    expect(guard.accept('')).toBe(true);
    expect(guard.accept('')).toBe(true);
  });
});
