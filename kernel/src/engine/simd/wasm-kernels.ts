/**
 * The WebAssembly SIMD image kernels (kernel/assembly, built into image-kernels.wasm next to
 * this file's build output) and the linear-memory layout their callers use.
 *
 * Why WebAssembly: V8 runs scalar loops, about one pixel operation per nanosecond; a 128-bit
 * SIMD instruction works on 16 uint8 or 8 uint16 pixels at once, which is what OpenCV's own
 * kernels do. Each call copies its image into the module's memory and the result out again
 * (both native memcpy); for single passes over memory (lookups, bitwise masks, flips) those
 * copies and the output's allocation are most of the time, and the gain is smaller.
 *
 * The module is compiled synchronously once per thread (worker threads load their own).
 * Without it (a build that skipped `build:wasm`, a runtime without SIMD) `imageKernels()` is
 * null and every module runs its TypeScript loop, which gives the same values.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { allocateUninitialised } from '../data/ndarray';
import { Wasm, type WasmMemory } from '../util/webassembly';

/**
 * A resize whose output row y and column x read the source at the tables ys[y] and xs[x]
 * (i32 lists): nearest neighbour, and the 2×2 means of even shrink factors.
 */
type TableResize = (
  size: number,
  src: number,
  dst: number,
  w: number,
  H: number,
  W: number,
  ys: number,
  xs: number
) => void;

/**
 * The kernels exported by kernel/assembly/index.ts. Pointers are byte offsets into the
 * module's memory, flags are 0 or 1, and `size` is the bytes per value of the image: 1 for
 * uint8, 2 for uint16 (each such kernel is compiled for both).
 */
export interface ImageKernelExports {
  memory: WasmMemory;
  heapBase(): number;
  rect(
    size: number,
    src: number,
    dst: number,
    line: number,
    h: number,
    w: number,
    d0: number,
    d1: number,
    e0: number,
    e1: number,
    isMin: number
  ): void;
  combineRows(
    size: number,
    out: number,
    h: number,
    w: number,
    sources: number,
    count: number,
    picked: number,
    accumulate: number,
    isMin: number
  ): void;
  median3x3ScratchBytes(w: number, size: number): number;
  median3x3(size: number, src: number, dst: number, scratch: number, h: number, w: number): void;
  median5x5(size: number, src: number, dst: number, padded: number, h: number, w: number): void;
  separable(
    size: number,
    src: number,
    dst: number,
    line: number,
    scratch: number,
    h: number,
    w: number,
    weights: number,
    taps: number,
    shift: number,
    border: number,
    halfUp: number
  ): void;
  box(
    size: number,
    src: number,
    dst: number,
    line: number,
    h: number,
    w: number,
    k: number,
    border: number,
    inverse: number
  ): void;
  separableU16Wide(
    src: number,
    dst: number,
    line: number,
    scratch: number,
    h: number,
    w: number,
    weights: number,
    taps: number,
    shift: number,
    border: number
  ): void;
  separableU8Narrow(
    src: number,
    dst: number,
    line: number,
    h: number,
    w: number,
    weights: number,
    taps: number,
    shift: number,
    border: number,
    halfUp: number,
    wide: number
  ): void;
  adaptiveThresholdU8(
    src: number,
    mean: number,
    dst: number,
    n: number,
    delta: number,
    fg: number,
    invert: number
  ): void;
  correlate(
    size: number,
    src: number,
    dst: number,
    padded: number,
    scratch: number,
    h: number,
    w: number,
    r: number,
    taps: number,
    count: number,
    taps2: number,
    count2: number,
    magnitude: number,
    narrow: number
  ): void;
  padImageU8(src: number, padded: number, h: number, w: number, r: number, border: number): void;
  sobel3U8(padded: number, dst: number, line: number, h: number, w: number, what: number): void;
  extremes(size: number, src: number, n: number, out: number): void;
  padImageU16(src: number, padded: number, h: number, w: number, r: number, border: number): void;
  sobel3U16(padded: number, dst: number, line: number, h: number, w: number, what: number): void;
  laplacian3U16(padded: number, dst: number, h: number, w: number, corners: number): void;
  sobel3PairU8(padded: number, gx: number, gy: number, line: number, h: number, w: number): void;
  cannyU8(
    gx: number,
    gy: number,
    dst: number,
    mag: number,
    map: number,
    stack: number,
    h: number,
    w: number,
    low: number,
    high: number,
    l2: number,
    tg22: number,
    shift: number
  ): void;
  linearF32(size: number, src: number, dst: number, n: number, a: number, b: number): void;
  affineF32(
    size: number,
    src: number,
    dst: number,
    n: number,
    a: number,
    s: number,
    b: number,
    lo: number,
    hi: number
  ): void;
  addRoundedF64(size: number, src: number, offsets: number, dst: number, n: number): void;
  scaledF32U16(src: number, dst: number, n: number, a: number, s: number): void;
  statsU16(src: number, n: number, out: number): void;
  lookupU8(src: number, dst: number, table: number, n: number): void;
  lookupU16(src: number, dst: number, table: number, n: number): void;
  lookupU8F32(src: number, dst: number, table: number, n: number): void;
  lookupU16U8(src: number, dst: number, table: number, n: number, flip: number): void;
  lookupU16F32(src: number, dst: number, table: number, n: number): void;
  histogramU8(src: number, hist: number, n: number): void;
  histogramU16(src: number, hist: number, n: number): void;
  bitwise(src: number, dst: number, bytes: number, mask: number, and: number): void;
  claheTables(
    size: number,
    src: number,
    h: number,
    w: number,
    bins: number,
    tilesY: number,
    tilesX: number,
    th: number,
    tw: number,
    clip: number,
    lutScale: number,
    luts: number,
    hist: number,
    columns: number
  ): void;
  claheBlend(
    size: number,
    src: number,
    dst: number,
    h: number,
    w: number,
    bins: number,
    tilesY: number,
    tilesX: number,
    invTh: number,
    luts: number,
    left: number,
    right: number,
    wx: number,
    wx1: number
  ): void;
  binary(
    size: number,
    src: number,
    dst: number,
    n: number,
    t: number,
    on: number,
    off: number
  ): void;
  unsharp(
    size: number,
    src: number,
    blurred: number,
    dst: number,
    n: number,
    alpha: number,
    beta: number
  ): void;
  flip(size: number, src: number, dst: number, h: number, w: number, fx: number, fy: number): void;
  pad(
    size: number,
    src: number,
    dst: number,
    w: number,
    oh: number,
    ow: number,
    left: number,
    ys: number,
    xs: number,
    fill: number,
    shuffles: number
  ): void;
  foregroundBounds(size: number, src: number, h: number, n: number, t: number, out: number): void;
  quarterTurn(size: number, src: number, dst: number, h: number, w: number, ccw: number): void;
  copyRows(
    src: number,
    dst: number,
    srcStride: number,
    dstStride: number,
    bytes: number,
    rows: number
  ): void;
  warp(
    size: number,
    src: number,
    dst: number,
    ax: number,
    dx: number,
    h: number,
    w: number,
    b: number,
    c: number,
    e: number,
    f: number,
    fill: number,
    bilinear: number
  ): void;
  resizeNearest: TableResize;
  areaDown(
    size: number,
    src: number,
    dst: number,
    rows: number,
    line: number,
    h: number,
    w: number,
    H: number,
    W: number,
    xStarts: number,
    xIndex: number,
    xWeight: number,
    yStarts: number,
    yIndex: number,
    yWeight: number
  ): void;
  grayRgbU8(src: number, dst: number, n: number, wr: number, wg: number, wb: number): void;
  halve(size: number, src: number, dst: number, w: number, H: number, W: number): void;
  pairMeans: TableResize;
  resizeTwoTap(
    size: number,
    src: number,
    dst: number,
    w: number,
    H: number,
    W: number,
    y0s: number,
    y1s: number,
    fys: number,
    x0s: number,
    x1s: number,
    fxs: number
  ): void;
}

export type PixelArray = Uint8Array | Uint16Array;

/**
 * The image values as the kernels take them: one channel of uint8 or uint16 values (else
 * null, and the module runs its TypeScript loop).
 */
export function kernelPixels(values: unknown, channels: number): PixelArray | null {
  if (channels !== 1) return null;
  return values instanceof Uint8Array || values instanceof Uint16Array ? values : null;
}

/** Border modes of the kernels (kernel/assembly/borders.ts), by the engine's names. */
export const KERNEL_BORDERS = { reflect_101: 0, replicate: 1 } as const;

/** What one `set` call of a row copy costs, in bytes copied in the same time (measured, rounded up). */
const ROW_COPY_CALL_BYTES = 2560;

/**
 * Bump allocation in the module's memory for the duration of one kernel call: `reset()` at
 * the start, `alloc` for each buffer, memory grows as needed (and stays, for the next image).
 */
export class ImageKernels {
  private top = 0;

  constructor(readonly exports: ImageKernelExports) {}

  /** Forgets every buffer of the previous call. */
  reset(): void {
    this.top = (this.exports.heapBase() + 15) & ~15;
  }

  /** A 16-byte aligned buffer of `bytes` bytes. */
  alloc(bytes: number): number {
    const ptr = this.top;
    this.top = (ptr + bytes + 15) & ~15;
    const memory = this.exports.memory;
    const missing = this.top - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    return ptr;
  }

  /** Copies `src` into a new buffer; returns its address. */
  put(src: PixelArray | Int32Array | Float32Array | Float64Array): number {
    const ptr = this.alloc(src.byteLength);
    new Uint8Array(this.exports.memory.buffer, ptr, src.byteLength).set(
      new Uint8Array(src.buffer, src.byteOffset, src.byteLength)
    );
    return ptr;
  }

  /**
   * Copies in only the rows a kernel reads: source rows rows[y] … rows[y] + span − 1 of src
   * (rows of `w` values) for each output row y, each block once, packed one after another.
   * Returns the buffer's address and the row table renumbered for it. Null where the table is
   * not ascending, or where it would not pay: each row copy is a call that costs about as much
   * as copying 1.5–2.5 KB, so the bytes skipped must outweigh that per block (nearest 512²
   * uint16 to 128², one row in four: yes; 256² uint8 to 128², or pairs of rows: no).
   */
  putRows(
    src: PixelArray,
    w: number,
    rows: Int32Array,
    span: number
  ): { ptr: number; rows: Int32Array } | null {
    let blocks = 0;
    for (let y = 0; y < rows.length; y++) {
      if (y > 0 && rows[y] < rows[y - 1]) return null;
      if (y === 0 || rows[y] !== rows[y - 1]) blocks++;
    }
    const block = w * span;
    const skipped = (src.length - blocks * block) * src.BYTES_PER_ELEMENT;
    if (skipped < blocks * ROW_COPY_CALL_BYTES) return null;
    const renumbered = new Int32Array(rows.length);
    for (let y = 0, b = -1; y < rows.length; y++) {
      if (y === 0 || rows[y] !== rows[y - 1]) b++;
      renumbered[y] = b * span;
    }
    const ptr = this.alloc(blocks * block * src.BYTES_PER_ELEMENT);
    const buffer = this.exports.memory.buffer;
    const to =
      src instanceof Uint8Array
        ? new Uint8Array(buffer, ptr, blocks * block)
        : new Uint16Array(buffer, ptr, blocks * block);
    for (let y = 0, b = 0; y < rows.length; y++) {
      if (y > 0 && rows[y] === rows[y - 1]) continue;
      const from = rows[y] * w;
      to.set(src.subarray(from, from + block), b++ * block);
    }
    return { ptr, rows: renumbered };
  }

  /** A view of n values like `like` at ptr (valid until memory grows). */
  view<T extends PixelArray>(like: T, ptr: number, n: number): T {
    const Ctor = like.constructor as new (buffer: ArrayBuffer, offset: number, n: number) => T;
    return new Ctor(this.exports.memory.buffer, ptr, n);
  }

  /** An owned copy of n float32 values at ptr. */
  takeFloat32(ptr: number, n: number): Float32Array {
    const out = allocateUninitialised('float32', n) as Float32Array;
    out.set(new Float32Array(this.exports.memory.buffer, ptr, n));
    return out;
  }

  /** An owned copy of n values like `like` at ptr. */
  take<T extends PixelArray>(like: T, ptr: number, n: number): T {
    // Two monomorphic branches: a `new` through like.constructor costs microseconds here.
    // Not zeroed first: the copy writes every element.
    const buffer = this.exports.memory.buffer;
    if (like instanceof Uint8Array) {
      const out = allocateUninitialised('uint8', n) as Uint8Array;
      out.set(new Uint8Array(buffer, ptr, n));
      return out as T;
    }
    const out = allocateUninitialised('uint16', n) as Uint16Array;
    out.set(new Uint16Array(buffer, ptr, n));
    return out as T;
  }
}

/** Where the build puts the module: next to this file in dist, or dist's copy when run from src. */
function wasmPath(): string | null {
  const candidates = [
    path.join(__dirname, 'image-kernels.wasm'),
    path.resolve(__dirname, '../../../../dist/kernel/engine/simd/image-kernels.wasm')
  ];
  return candidates.find(p => existsSync(p)) ?? null;
}

let loaded: ImageKernels | null | undefined;
let loadError: string | null = null;
let bypassed = false;

/**
 * Runs fn with the kernels switched off, so that every module takes its TypeScript loop:
 * simd.test.ts compares the two paths. (A whole process runs without them under
 * MEDFLOW_NO_SIMD=1, e.g. `MEDFLOW_NO_SIMD=1 node bench/ops.mjs --ours-only`.)
 */
export function withoutImageKernels<T>(fn: () => T): T {
  const before = bypassed;
  bypassed = true;
  try {
    return fn();
  } finally {
    bypassed = before;
  }
}

/** The kernels of this thread, or null when the module cannot be loaded (see imageKernelsError). */
export function imageKernels(): ImageKernels | null {
  if (bypassed) return null;
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.env.MEDFLOW_NO_SIMD === '1') {
    loadError = 'disabled by MEDFLOW_NO_SIMD=1';
    return loaded;
  }
  const file = wasmPath();
  if (!file) {
    loadError = 'image-kernels.wasm not built (npm run build:wasm)';
    return loaded;
  }
  try {
    const module = new Wasm.Module(readFileSync(file));
    const instance = new Wasm.Instance(module, {
      env: {
        abort: () => {
          throw new Error(`image-kernels.wasm aborted`);
        }
      }
    });
    loaded = new ImageKernels(instance.exports as unknown as ImageKernelExports);
  } catch (err) {
    loadError = `image-kernels.wasm did not load: ${(err as Error).message}`;
  }
  return loaded;
}

/** Why imageKernels() is null (null when it is not). */
export function imageKernelsError(): string | null {
  imageKernels();
  return loadError;
}
