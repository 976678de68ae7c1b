/**
 * allocateUninitialised hands out arrays that behave like allocate's in everything but the
 * zero fill: the same class per dtype, a buffer of their own (so that transferring one to a
 * worker moves nothing else), and usable by postMessage's transfer list.
 */
import { MessageChannel } from 'node:worker_threads';
import { allocate, allocateUninitialised, type DType } from './ndarray';

const DTYPES: DType[] = [
  'bool',
  'uint8',
  'int8',
  'uint16',
  'int16',
  'uint32',
  'int32',
  'float32',
  'float64'
];

test.each(DTYPES)('%s: same class as allocate, a buffer of its own', dtype => {
  for (const length of [0, 1, 7, 65536]) {
    const a = allocateUninitialised(dtype, length);
    expect(a.constructor).toBe(allocate(dtype, 1).constructor);
    expect(a.length).toBe(length);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(a.byteLength);
  }
});

test('64-bit integer dtypes are refused as by allocate', () => {
  expect(() => allocateUninitialised('int64', 4)).toThrow(/64-bit integers/);
});

test('its buffer can be transferred to another thread', async () => {
  const a = allocateUninitialised('uint16', 1000).fill(7);
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<Uint16Array>(resolve => port2.once('message', resolve));
  port1.postMessage(a, [a.buffer]);
  const b = await received;
  port1.close();
  expect(a.byteLength).toBe(0); // moved, not copied
  expect(b.length).toBe(1000);
  expect(b[999]).toBe(7);
});
