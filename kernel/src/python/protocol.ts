/**
 * The framed protocol between the kernel and the Python worker (kernel/python/medflow_worker.py):
 * a 4-byte little-endian length, a UTF-8 JSON header, then the raw bytes of the buffers the
 * header lists in `buffers` (their byte lengths), each followed by zero bytes up to a multiple of
 * 8 so that every array in the worker's receive buffer starts aligned for its dtype (numpy and
 * OpenCV work on unaligned arrays only slowly, or not at all). Arrays are never JSON lists.
 */

export const ALIGN = 8;
const PADDING = Buffer.alloc(ALIGN);

function padded(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

export interface Frame {
  header: Record<string, unknown>;
  buffers: Uint8Array[];
}

/** Encodes a frame as a list of chunks (buffers are not copied). */
export function encodeFrame(header: Record<string, unknown>, buffers: Uint8Array[] = []): Buffer[] {
  const json = Buffer.from(
    JSON.stringify({ ...header, buffers: buffers.map(b => b.byteLength) }),
    'utf8'
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length, 0);
  const chunks = [length, json];
  for (const b of buffers) {
    chunks.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    if (b.byteLength % ALIGN) chunks.push(PADDING.subarray(0, ALIGN - (b.byteLength % ALIGN)));
  }
  return chunks;
}

/**
 * Incremental decoder: feed it chunks as they arrive from the pipe, it calls `onFrame` for
 * every complete frame. Chunks are kept as a list and joined only when a frame is complete,
 * so large array payloads are copied once.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private available = 0;
  private header: Record<string, unknown> | null = null;
  private headerBytes = -1;
  private payload = 0;

  constructor(private readonly onFrame: (frame: Frame) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.available += chunk.length;
    for (;;) {
      if (this.header === null) {
        if (this.headerBytes < 0) {
          if (this.available < 4) return;
          this.headerBytes = this.take(4).readUInt32LE(0);
        }
        if (this.available < this.headerBytes) return;
        this.header = JSON.parse(this.take(this.headerBytes).toString('utf8')) as Record<
          string,
          unknown
        >;
        const sizes = (this.header.buffers as number[] | undefined) ?? [];
        this.payload = sizes.reduce((a, b) => a + padded(b), 0);
      }
      if (this.available < this.payload) return;
      const blob = this.take(this.payload);
      const sizes = (this.header.buffers as number[] | undefined) ?? [];
      const buffers: Uint8Array[] = [];
      let offset = 0;
      for (const size of sizes) {
        buffers.push(blob.subarray(offset, offset + size));
        offset += padded(size);
      }
      const header = this.header;
      this.header = null;
      this.headerBytes = -1;
      this.payload = 0;
      this.onFrame({ header, buffers });
    }
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    let out: Buffer;
    if (this.chunks[0].length >= n) {
      out = this.chunks[0].subarray(0, n);
      this.chunks[0] = this.chunks[0].subarray(n);
      if (this.chunks[0].length === 0) this.chunks.shift();
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const head = this.chunks[0];
        const k = Math.min(head.length, n - filled);
        head.copy(out, filled, 0, k);
        filled += k;
        if (k === head.length) this.chunks.shift();
        else this.chunks[0] = head.subarray(k);
      }
    }
    this.available -= n;
    return out;
  }
}
