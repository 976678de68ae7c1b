/**
 * Results must not depend on the number of wasm threads (a machine's core count): run the same
 * gradients in child processes with 1 and 2 threads and compare the bytes. The thread count is
 * fixed when the module starts, hence separate processes running a plain-JS build of this
 * folder and the engine utilities it imports (transpiled here, so the test needs no prior
 * `tsc`), with the SIMD tensor kernels where `npm run build:wasm` has built them.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ENGINE_DIR = path.resolve(__dirname, '../..');
const ROOT = path.resolve(__dirname, '../../../../..');
const NODE_MODULES = path.join(ROOT, 'node_modules');
const TENSOR_KERNELS = path.join(ROOT, 'dist/kernel/engine/backend/wasm');

/** engine/backend and engine/util as CommonJS under out/ (same layout), and the built kernels. */
function transpileBackend(out: string): void {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return walk(p);
      return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
    });
  const sources = ['backend', 'util'].flatMap(d => walk(path.join(ENGINE_DIR, d)));
  for (const file of sources) {
    const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true
      }
    }).outputText;
    const target = path.join(out, path.relative(ENGINE_DIR, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, js);
  }
  for (const name of fs.existsSync(TENSOR_KERNELS) ? fs.readdirSync(TENSOR_KERNELS) : []) {
    if (name.endsWith('.wasm')) {
      fs.copyFileSync(path.join(TENSOR_KERNELS, name), path.join(out, 'backend/wasm', name));
    }
  }
}

const SCRIPT = `
const { tf, ensureBackend } = require('./index.js');
const crypto = require('crypto');
ensureBackend('wasm').then((info) => {
  const x = tf.randomNormal([8, 24, 24, 8], 0, 1, 'float32', 1);
  const f = tf.randomNormal([3, 3, 8, 16], 0, 1, 'float32', 2);
  const w = tf.randomNormal([8, 24, 24, 16], 0, 1, 'float32', 3);
  const grads = tf.grads((a, b) => tf.conv2d(a, b, 1, 'same').mul(w).sum())([x, f]);
  const dense = tf.matMul(tf.randomNormal([64, 256], 0, 1, 'float32', 4), tf.randomNormal([256, 64], 0, 1, 'float32', 5));
  const hash = crypto.createHash('sha256');
  for (const t of [...grads, dense]) hash.update(Buffer.from(t.dataSync().buffer));
  console.log(JSON.stringify({ threads: info.threads, hash: hash.digest('hex') }));
});
`;

describe('wasm results do not depend on the thread count', () => {
  it('gives bit-identical gradients with 1 and 2 threads', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medflow-backend-'));
    try {
      transpileBackend(dir);
      fs.writeFileSync(path.join(dir, 'backend/run.js'), SCRIPT);
      const run = (threads: number) =>
        JSON.parse(
          execFileSync(process.execPath, ['run.js'], {
            cwd: path.join(dir, 'backend'),
            env: { ...process.env, NODE_PATH: NODE_MODULES, MEDFLOW_WASM_THREADS: String(threads) },
            encoding: 'utf8',
            timeout: 60_000
          })
        ) as { threads: number; hash: string };
      const one = run(1);
      const two = run(2);
      expect([one.threads, two.threads]).toEqual([1, 2]);
      expect(two.hash).toBe(one.hash);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
