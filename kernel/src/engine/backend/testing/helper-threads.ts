/**
 * For tests of the kernels that share work with helper threads (../wasm/kernel-threads.ts):
 * waiting until the helpers take calls (they start in the background on first use), and
 * comparing results bit for bit.
 */
import { tf } from '../tf';
import type { BackendWasm } from '../wasm/util';
import { kernelThreads } from '../wasm/kernel-threads';

/** Waits (up to 5 s) until every helper of the active wasm backend takes calls; how many do. */
export async function helpersReady(): Promise<number> {
  const pool = kernelThreads(tf.backend() as unknown as BackendWasm);
  if (pool == null) return 0;
  for (let i = 0; i < 100 && pool.readyHelpers() < pool.threads - 1; i++) {
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  return pool.readyHelpers();
}

/** Whether two typed arrays hold the same bytes (NaN payloads and signed zeros included). */
export function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength)
  );
}
