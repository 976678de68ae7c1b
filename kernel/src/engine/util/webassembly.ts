/**
 * The part of the WebAssembly JS API the engine uses. The kernel's lib is ES2022 without the
 * DOM, which is where TypeScript declares WebAssembly; Node has it as a global.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

export const Wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
