#!/usr/bin/env node
// `npm start`: set up what is missing, build, register the kernel and open the demo notebook
// in the embedded JupyterLab. Prints the URL (with its token) and runs until Ctrl+C.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { ROOT, ensureBuilt, ensureDebianPackages, ensureNodeModules } from './setup.mjs';

try {
  ensureDebianPackages('run');
  ensureNodeModules();
  ensureBuilt();
} catch (err) {
  console.error(`[medflow] ${err.message}`);
  process.exit(1);
}

const child = spawn(
  process.execPath,
  [
    path.join(ROOT, 'bin', 'medflow.js'),
    'lab',
    '--root',
    ROOT,
    'notebooks/01-quickstart.ipynb',
    ...process.argv.slice(2)
  ],
  { cwd: ROOT, stdio: 'inherit' }
);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', code => process.exit(code ?? 0));
