/**
 * Start-up of tfjs's wasm backend in Node: where its .wasm binaries are, threads, and the
 * kernel fixes that make it train correctly (./register.ts). Runs once.
 */
import * as path from 'path';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf';
import { registerWasmFixes } from './register';
import { installPthreadWorker, wantedThreads, withLogicalCores } from './threads';

export interface WasmSetup {
  threads: number;
  simd: boolean;
}

let setup: Promise<WasmSetup> | undefined;

/** The folder with tfjs-backend-wasm's .wasm files, as a prefix for `setWasmPaths`. */
export function wasmDistDir(): string {
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'dist') + path.sep;
}

async function start(threads: number): Promise<void> {
  const multithread = threads > 1;
  if (multithread) installPthreadWorker();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', multithread);
  setThreadsCount(threads);
  const ok = await withLogicalCores(threads, () => tf.setBackend('wasm'));
  if (!ok) throw new Error('tfjs could not initialise wasm');
}

async function init(): Promise<WasmSetup> {
  // In Node, Emscripten reads the binary with fs from this prefix; the default (the folder of
  // the script) is wrong once the backend is bundled or loaded through ts-jest.
  setWasmPaths(wasmDistDir());
  registerWasmFixes();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  const threads = simd ? wantedThreads() : 1; // the threaded build is SIMD-only
  try {
    await start(threads);
  } catch (error) {
    if (threads === 1) throw error;
    // Threads are a workaround of our own (./threads.ts): never let them cost the backend.
    // A failed initialisation leaves the backend unregistered-as-ready, so it can be retried.
    process.emitWarning(`medflow: wasm threads unavailable, using 1 thread (${String(error)})`);
    await start(1);
  }
  return { threads: getThreadsCount(), simd };
}

/** Prepares and initialises the 'wasm' backend, leaving it active. */
export function initWasm(): Promise<WasmSetup> {
  setup ??= init();
  return setup;
}
