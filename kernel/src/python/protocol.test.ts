/** The frame format: whatever way the pipe splits the bytes, the same frames come out. */
import { ALIGN, encodeFrame, FrameReader, type Frame } from './protocol';

function frames(chunks: Buffer[], cuts: number[]): Frame[] {
  const all = Buffer.concat(chunks);
  const out: Frame[] = [];
  const reader = new FrameReader(f => out.push(f));
  let start = 0;
  for (const cut of [...cuts, all.length]) {
    reader.push(all.subarray(start, cut));
    start = cut;
  }
  return out;
}

it('decodes frames split at any byte, with padded buffers of odd sizes', () => {
  const a = Uint8Array.from({ length: 13 }, (_, i) => i + 1);
  const b = new Float64Array([Math.PI, -0, 1e300]);
  const first = encodeFrame({ op: 'call', text: 'é ✓' }, [a, new Uint8Array(b.buffer)]);
  const second = encodeFrame({ op: 'run' });
  const bytes = Buffer.concat([...first, ...second]);
  // Length, header, 13 bytes + 3 zero bytes of padding, 24 bytes; then the second frame.
  expect(first.map(c => c.length).slice(2)).toEqual([13, ALIGN - 5, 24]);
  for (const cuts of [
    [],
    [1],
    [3, 5, 30],
    Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)
  ]) {
    const got = frames([bytes], cuts);
    expect(got).toHaveLength(2);
    expect(got[0].header).toEqual({ op: 'call', text: 'é ✓', buffers: [13, 24] });
    expect(Array.from(got[0].buffers[0])).toEqual(Array.from(a));
    const back = got[0].buffers[1];
    expect(Array.from(new Float64Array(new Uint8Array(back).buffer))).toEqual([Math.PI, -0, 1e300]);
    expect(got[1]).toEqual({ header: { op: 'run', buffers: [] }, buffers: [] });
  }
});
