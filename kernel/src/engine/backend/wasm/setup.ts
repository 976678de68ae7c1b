/**
 * Start-up of tfjs's wasm backend in Node: where its .wasm binaries are, and the kernel fixes
 * that make it train correctly (./register.ts). Runs once; later calls return the same result.
 */
import * as path from 'path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf';
import { registerWasmFixes } from './register';

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

async function init(): Promise<WasmSetup> {
  // In Node, Emscripten reads the binary with fs from this prefix; the default (the folder of
  // the script) is wrong once the backend is bundled or loaded through ts-jest.
  setWasmPaths(wasmDistDir());
  registerWasmFixes();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  return { threads: 1, simd };
}

/** Prepares the 'wasm' backend (paths, kernel fixes) before it is first activated. */
export function initWasm(): Promise<WasmSetup> {
  setup ??= init();
  return setup;
}
