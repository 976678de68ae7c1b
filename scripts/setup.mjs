#!/usr/bin/env node
// Installs what medflow needs on a fresh Debian machine and builds it. Used by `npm start`
// (profile "run") and by .ci/run (profile "test"). Safe to run again: it only does what is
// missing or out of date.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Debian packages per profile. Jupyter's server parts come from Debian (there is no PyPI here). */
export const APT_PACKAGES = {
  run: [
    'python3-jupyter-server',
    'python3-jupyterlab-server',
    'python3-jupyter-client',
    'python3-numpy'
  ],
  test: [
    'python3-jupyter-server',
    'python3-jupyterlab-server',
    'python3-jupyter-client',
    'python3-jupyter-kernel-test',
    'python3-ipykernel',
    'python3-numpy',
    'python3-sklearn',
    'python3-opencv',
    'python3-skimage',
    'python3-pydicom',
    'python3-nibabel',
    'python3-nbclient',
    'python3-nbformat',
    // The packaging test builds the Python wheel offline (pip wheel --no-build-isolation).
    'python3-pip',
    'python3-hatchling',
    'chromium',
    // Distributed tuning tests run BullMQ against a real redis-server.
    'redis-server'
  ],
  // Benchmarks compare with OpenCV and PyTorch CPU (npm run bench); not needed by the tests.
  bench: [
    'python3-numpy',
    'python3-opencv',
    'python3-skimage',
    'python3-scipy',
    'python3-ipykernel',
    'python3-torch',
    'redis-server'
  ]
};

function log(msg) {
  console.log(`[medflow setup] ${msg}`);
}

function missingDebianPackages(names) {
  return names.filter(name => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

export function ensureDebianPackages(profile) {
  const missing = missingDebianPackages(APT_PACKAGES[profile]);
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `these Debian packages are missing: ${missing.join(' ')}\n` +
        `install them as root:  sudo apt-get install -y ${missing.join(' ')}`
    );
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-q', ...missing], {
    stdio: 'inherit',
    env
  });
}

function newestMtime(entries) {
  let newest = 0;
  const visit = p => {
    if (!fs.existsSync(p)) return;
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      if (path.basename(p) === 'node_modules') return;
      for (const child of fs.readdirSync(p)) visit(path.join(p, child));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  entries.forEach(e => visit(path.join(ROOT, e)));
  return newest;
}

function run(cmd, args) {
  log(`${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
}

export function ensureNodeModules() {
  const stamp = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (!fs.existsSync(stamp) || fs.statSync(lock).mtimeMs > fs.statSync(stamp).mtimeMs) {
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
}

/** Each build step with its inputs and its output marker; a step runs when an input is newer. */
const BUILD_STEPS = [
  {
    script: 'build:kernel',
    inputs: ['kernel/src', 'kernel/tsconfig.json', 'schema'],
    output: 'dist/kernel/cli/main.js'
  },
  {
    // build:kernel builds these too; this step catches a change to the kernels alone.
    script: 'build:wasm',
    inputs: ['kernel/assembly'],
    output: 'dist/kernel/engine/simd/image-kernels.wasm'
  },
  { script: 'build:ext', inputs: ['src', 'tsconfig.json', 'schema'], output: 'lib/index.js' },
  {
    script: 'build:labextension',
    inputs: ['lib', 'style', 'schema/settings', 'package.json'],
    output: 'labextension/medflow/package.json'
  },
  {
    script: 'build:app',
    inputs: ['app/index.js', 'app/webpack.config.js', 'app/package.json', 'package-lock.json'],
    output: 'app/build/index.html'
  }
];

export function ensureBuilt({ force = false } = {}) {
  for (const step of BUILD_STEPS) {
    const out = path.join(ROOT, step.output);
    const stale =
      force || !fs.existsSync(out) || newestMtime(step.inputs) > fs.statSync(out).mtimeMs;
    if (stale) run('npm', ['run', step.script]);
  }
}

// Run directly: `node scripts/setup.mjs [run|test] [--force-build]`
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const profile = ['test', 'bench'].find(p => process.argv.includes(p)) ?? 'run';
  try {
    ensureDebianPackages(profile);
    ensureNodeModules();
    ensureBuilt({ force: process.argv.includes('--force-build') });
  } catch (err) {
    console.error(`[medflow setup] ${err.message}`);
    process.exit(1);
  }
}
