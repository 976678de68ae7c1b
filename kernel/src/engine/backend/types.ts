/** Names of the backends the engine can run on, best first. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** Which backend is active, for logs and the UI. */
export interface BackendInfo {
  name: BackendName;
  /** Human-readable, e.g. "wasm (2 threads, SIMD)" or "tensorflow (CUDA)". */
  label: string;
  /** Worker threads of the backend, where it has a notion of them (wasm). */
  threads?: number;
}
