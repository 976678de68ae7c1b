/**
 * medflow's SIMD tensor kernels (kernel/assembly/tensor, built by `npm run build:wasm`),
 * instantiated on the wasm backend's own memory so that they read and write tensors in place.
 * The threaded backend's heap is shared memory and takes the build that declares it shared.
 * Kernels that use them keep a TypeScript loop for when they are not available (not built,
 * or MEDFLOW_NO_SIMD=1).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BackendWasm, TensorInfo } from './util';
import { Wasm, type WasmMemory } from '../../util/webassembly';

export interface TensorKernelExports {
  /** Tiles per block of the F(2×2, 3×3) and F(4×4, 3×3) Winograd kernels. */
  BLOCK: { readonly value: number };
  BLOCK4: { readonly value: number };
  maxPoolGrad2x2F32(
    x: number,
    g: number,
    dx: number,
    outRows: number,
    outWidth: number,
    c: number
  ): void;
  swapOuterInner32(src: number, dst: number, n: number, m: number, c: number): void;
  im2colTransposedF32(
    x: number,
    colT: number,
    batch: number,
    h: number,
    w: number,
    ci: number,
    ho: number,
    wo: number,
    fh: number,
    fw: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    top: number,
    left: number,
    n0: number,
    count: number
  ): void;
  gemmRowsF32(a: number, b: number, c: number, k: number, n: number, i0: number, i1: number): void;
  reluGradF32(dy: number, x: number, dx: number, n: number, upper: number): void;
  scatterPhaseF32(
    src: number,
    dst: number,
    n: number,
    qh: number,
    qw: number,
    c: number,
    dh: number,
    dw: number,
    y0: number,
    x0: number,
    sy: number,
    sx: number
  ): void;
  depthwiseFilterGradF32(
    x: number,
    dy: number,
    dW: number,
    n: number,
    h: number,
    w: number,
    c: number,
    ho: number,
    wo: number,
    fh: number,
    fw: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    top: number,
    left: number,
    c0: number,
    c1: number
  ): void;
  winogradFilterF32(g: number, u: number, ci: number, co: number, turned: boolean): void;
  fewChannelsConv3x3F32(
    x: number,
    filter: number,
    bias: number,
    y: number,
    scratch: number,
    n: number,
    h: number,
    w: number,
    ci: number,
    co: number,
    ho: number,
    wo: number,
    padTop: number,
    padLeft: number,
    activation: number,
    pool: boolean,
    u0: number,
    u1: number
  ): void;
  winogradFilterGradChunksF32(
    x: number,
    dy: number,
    partials: number,
    scratch: number,
    n: number,
    h: number,
    w: number,
    ci: number,
    co: number,
    perChunk: number,
    k0: number,
    k1: number,
    o0: number,
    o1: number
  ): void;
  winogradFilterGradFinishF32(
    partials: number,
    chunks: number,
    dg: number,
    ci: number,
    co: number
  ): void;
  winogradConv3x3F32(
    x: number,
    u: number,
    bias: number,
    y: number,
    scratch: number,
    n: number,
    h: number,
    w: number,
    ci: number,
    co: number,
    ho: number,
    wo: number,
    padTop: number,
    padLeft: number,
    activation: number,
    pool: boolean,
    t0: number,
    t1: number,
    block: number,
    tile: number
  ): void;
  winograd4FilterF32(g: number, u: number, ci: number, co: number, turned: boolean): void;
  channelChunksF32(
    x: number,
    mean: number,
    partials: number,
    positions: number,
    c: number,
    perChunk: number,
    k0: number,
    k1: number
  ): void;
  channelGradChunksF32(
    dy: number,
    x: number,
    mean: number,
    partials: number,
    positions: number,
    c: number,
    perChunk: number,
    k0: number,
    k1: number
  ): void;
  addChunksF32(partials: number, chunks: number, n: number, out: number, divisor: number): void;
  batchNormDxF32(
    dy: number,
    x: number,
    mean: number,
    k: number,
    xcScale: number,
    shift: number,
    dx: number,
    positions: number,
    c: number
  ): void;
}

/** The emscripten module's memory: exported by the plain build, created by JS for threads. */
interface EmscriptenMemory {
  wasmMemory?: WasmMemory;
  asm?: { memory?: WasmMemory };
}

/** The kernels bound to one backend's heap: their exports, compiled module and that heap. */
export interface LoadedTensorKernels {
  exports: TensorKernelExports;
  /** The compiled module, for helper threads that instantiate it on the same heap. */
  module: object;
  memory: WasmMemory;
}

const bound = new WeakMap<object, LoadedTensorKernels | null>();
let bypassed = false;

/**
 * Runs fn with the tensor kernels switched off, so that kernels take their fallbacks (tests of
 * those paths; a whole process runs without them under MEDFLOW_NO_SIMD=1).
 */
export async function withoutTensorKernels<T>(fn: () => Promise<T> | T): Promise<T> {
  const before = bypassed;
  bypassed = true;
  try {
    return await fn();
  } finally {
    bypassed = before;
  }
}

/** dist's file of the build for plain or shared memory (next to this file, or dist from src). */
function wasmFile(shared: boolean): string | null {
  const name = shared ? 'tensor-kernels-shared.wasm' : 'tensor-kernels.wasm';
  const candidates = [
    path.join(__dirname, name),
    path.resolve(__dirname, '../../../../../dist/kernel/engine/backend/wasm', name)
  ];
  return candidates.find(p => existsSync(p)) ?? null;
}

/** Whether a wasm binary has a data section (id 11): it would write into the backend's heap. */
export function hasDataSection(binary: Uint8Array): boolean {
  let at = 8;
  while (at < binary.length) {
    const id = binary[at++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = binary[at++];
      size += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    if (id === 11) return true;
    at += size;
  }
  return false;
}

/** The tensor kernels on this backend's heap, or null where they cannot run. */
export function tensorKernels(backend: BackendWasm): TensorKernelExports | null {
  return bypassed ? null : (loadedTensorKernels(backend)?.exports ?? null);
}

/** The kernels with their module and heap (./kernel-threads.ts starts helpers from them). */
export function loadedTensorKernels(backend: BackendWasm): LoadedTensorKernels | null {
  const cached = bound.get(backend);
  if (cached !== undefined) return cached;
  let loaded: LoadedTensorKernels | null = null;
  const emscripten = backend.wasm as unknown as EmscriptenMemory;
  const memory = emscripten.wasmMemory ?? emscripten.asm?.memory;
  if (process.env.MEDFLOW_NO_SIMD !== '1' && memory) {
    const shared = memory.buffer instanceof SharedArrayBuffer;
    const file = wasmFile(shared);
    if (file) {
      const binary = readFileSync(file);
      if (!hasDataSection(binary)) {
        const module = new Wasm.Module(binary);
        const instance = new Wasm.Instance(module, { env: { memory } });
        loaded = { exports: instance.exports as unknown as TensorKernelExports, module, memory };
      }
    }
  }
  bound.set(backend, loaded);
  return loaded;
}

/** A tensor's byte address in the backend's heap. */
export function heapAddress(backend: BackendWasm, info: TensorInfo): number {
  return backend.getMemoryOffset(info.dataId);
}
