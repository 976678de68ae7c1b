/**
 * Choice of the compute backend: the best one available, once per process.
 *
 * Order: @tensorflow/tfjs-node-gpu (CUDA), @tensorflow/tfjs-node (native CPU), wasm (with the
 * kernel fixes of ./wasm that make it train correctly), then tfjs's plain-JS cpu backend (a
 * correctness reference, far too slow to train). The environment variable MEDFLOW_BACKEND
 * replaces the automatic choice; an explicit `prefer` argument replaces both. A forced backend
 * that cannot start is an error; in the automatic order a failure falls through to the next.
 */
import { tf } from './tf';
import type { BackendInfo, BackendName } from './types';
import { loadNative, nativeHasGpu } from './native';
import { initWasm } from './wasm/setup';

const NAMES: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

let current: BackendInfo | undefined;
// Serialises concurrent calls: backend switches are global to the process.
let queue: Promise<unknown> = Promise.resolve();

/** The active backend, or undefined before the first `ensureBackend()`. */
export function backendInfo(): BackendInfo | undefined {
  return current;
}

function parseName(value: string, source: string): BackendName {
  const name = value.trim().toLowerCase();
  if (!(NAMES as readonly string[]).includes(name)) {
    throw new Error(`${source}: unknown backend '${value}' (one of ${NAMES.join(', ')})`);
  }
  return name as BackendName;
}

/** Starts `name` and makes it the active tfjs backend; throws with the reason if it cannot. */
async function start(name: BackendName): Promise<BackendInfo> {
  switch (name) {
    case 'tensorflow-gpu': {
      loadNative('@tensorflow/tfjs-node-gpu');
      await activate('tensorflow');
      if (!nativeHasGpu()) throw new Error('tfjs-node-gpu loaded but TensorFlow found no CUDA GPU');
      return { name, label: 'tensorflow (CUDA)' };
    }
    case 'tensorflow': {
      // The GPU package also registers 'tensorflow'; use whichever native package is present.
      try {
        loadNative('@tensorflow/tfjs-node');
      } catch (error) {
        if (tf.findBackendFactory('tensorflow') == null) throw error;
      }
      await activate('tensorflow');
      return { name, label: 'tensorflow (native CPU)' };
    }
    case 'wasm': {
      const { threads, simd } = await initWasm();
      await activate('wasm');
      const parts = [`${threads} thread${threads === 1 ? '' : 's'}`, ...(simd ? ['SIMD'] : [])];
      return { name, label: `wasm (${parts.join(', ')})`, threads };
    }
    case 'cpu':
      await activate('cpu');
      return { name, label: 'cpu (plain JavaScript)' };
  }
}

/** The active tfjs backend, without tf.getBackend()'s side effect of starting the best one. */
function activeName(): string | undefined {
  return (tf.engine() as unknown as { backendName?: string }).backendName ?? undefined;
}

async function activate(tfName: string): Promise<void> {
  if (activeName() === tfName) return;
  const ok = await tf.setBackend(tfName);
  if (!ok) throw new Error(`tfjs could not initialise the '${tfName}' backend`);
  await tf.ready();
}

async function choose(prefer?: BackendName): Promise<BackendInfo> {
  const forcedByEnv = process.env.MEDFLOW_BACKEND;
  const forced =
    prefer !== undefined
      ? parseName(prefer, 'ensureBackend')
      : forcedByEnv
        ? parseName(forcedByEnv, 'MEDFLOW_BACKEND')
        : undefined;
  if (forced !== undefined) {
    if (current?.name === forced && activeName() === tfName(forced)) return current;
    try {
      current = await start(forced);
    } catch (error) {
      throw new Error(`backend '${forced}' is not available: ${(error as Error).message}`);
    }
    return current;
  }
  if (current !== undefined) {
    // Someone may have called tf.setBackend() directly since: keep the promise of the name.
    await activate(tfName(current.name));
    return current;
  }
  const failures: string[] = [];
  for (const name of NAMES) {
    try {
      current = await start(name);
      return current;
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no tfjs backend could start:\n${failures.join('\n')}`);
}

function tfName(name: BackendName): string {
  return name === 'tensorflow-gpu' ? 'tensorflow' : name;
}

/**
 * Makes sure a backend is active and returns which. Idempotent: without `prefer`, later calls
 * return (and re-activate, if tf.setBackend() was called meanwhile) the current choice. With `prefer`, switches to that backend (tensors made on another
 * backend stay readable; tfjs moves their data on first use).
 */
export function ensureBackend(prefer?: BackendName): Promise<BackendInfo> {
  const result = queue.then(() => choose(prefer));
  queue = result.catch(() => undefined);
  return result;
}
