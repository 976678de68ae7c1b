/**
 * medflow's WebAssembly SIMD image kernels (AssemblyScript, built by `npm run build:wasm` into
 * dist/kernel/engine/simd/image-kernels.wasm). Each kernel works on buffers the caller placed
 * in linear memory (kernel/src/engine/simd/wasm-kernels.ts owns the layout); nothing here
 * allocates.
 */
export * from './minmax';
export * from './median';
export * from './separable';
export * from './correlate';
export * from './point';
export * from './float-map';
export * from './unsharp';
export * from './canny';
export * from './geometry';
export * from './warp';
export * from './resize';
export * from './color';
export * from './clahe';

/** First byte the caller may use: everything below belongs to this module's data and stack. */
export function heapBase(): usize {
  return __heap_base;
}
