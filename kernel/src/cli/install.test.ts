// `medflow install` as a user runs it: through bin/medflow.js (needs `npm run build`), checked
// with Debian's jupyter_client and jupyterlab_server reading the data dir it wrote.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KERNEL_MALLOC_ENV, kernelSpec } from './install';
import { packageRoot } from './paths';

const BIN = path.join(packageRoot(), 'bin', 'medflow.js');
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'medflow-install-test-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function medflow(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env }
  });
}

function python(code: string, env: NodeJS.ProcessEnv): string {
  return execFileSync('/usr/bin/python3', ['-c', code], {
    encoding: 'utf8',
    env: { ...process.env, ...env }
  });
}

test('install --prefix: jupyter_client finds the kernel and jupyterlab_server the extension', () => {
  const prefix = path.join(tmp, 'prefix');
  const result = medflow(['install', '--prefix', prefix]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const dataDir = path.join(prefix, 'share', 'jupyter');
  expect(result.stdout).toContain(path.join(dataDir, 'kernels', 'medflow'));

  const spec = JSON.parse(
    python(
      'import json; from jupyter_client.kernelspec import KernelSpecManager as K; ' +
        "s = K().get_kernel_spec('medflow'); print(json.dumps(s.to_dict()))",
      { JUPYTER_PATH: dataDir, JUPYTER_DATA_DIR: path.join(tmp, 'empty') }
    )
  );
  expect(spec.display_name).toBe('medflow (TypeScript)');
  expect(spec.language).toBe('typescript');
  expect(spec.interrupt_mode).toBe('message');
  expect(spec.argv.slice(1)).toEqual([BIN, 'kernel', '-f', '{connection_file}']);
  // glibc reads its malloc settings at start: the kernel gets them from the spec.
  expect(spec.env).toEqual({ MALLOC_TOP_PAD_: String(64 * 1024 * 1024) });

  const listed = JSON.parse(
    execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        'import json, sys; from jupyterlab_server.config import get_federated_extensions; ' +
          'e = get_federated_extensions([sys.argv[1]]); ' +
          "print(json.dumps({k: v['jupyterlab']['_build']['load'] for k, v in e.items()}))",
        path.join(dataDir, 'labextensions')
      ],
      { encoding: 'utf8' }
    )
  );
  expect(Object.keys(listed)).toEqual(['medflow']);
  expect(fs.existsSync(path.join(dataDir, 'labextensions', 'medflow', listed.medflow))).toBe(true);
});

test('install --user writes into JUPYTER_DATA_DIR, and choosing two targets is refused', () => {
  const dataDir = path.join(tmp, 'user-data');
  const ok = medflow(['install', '--user', '--no-labextension'], { JUPYTER_DATA_DIR: dataDir });
  expect(ok.status).toBe(0);
  expect(fs.existsSync(path.join(dataDir, 'kernels', 'medflow', 'kernel.json'))).toBe(true);
  expect(fs.existsSync(path.join(dataDir, 'labextensions'))).toBe(false);

  const both = medflow(['install', '--user', '--prefix', tmp]);
  expect(both.status).toBe(2);
  expect(both.stderr).toContain('choose one of --user, --sys-prefix, --prefix DIR');
});

test('an unknown command prints the usage and exits 2', () => {
  const r = medflow(['frobnicate']);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("unknown command 'frobnicate'");
  expect(r.stderr).toContain('kernel -f <connection file>');
});

test("the wheel's static kernelspec starts the kernel with the same environment", () => {
  const wheelSpec = JSON.parse(
    fs.readFileSync(path.join(packageRoot(), 'python', 'kernelspec', 'kernel.json'), 'utf8')
  );
  expect(wheelSpec.env).toEqual(kernelSpec().env);
  expect(wheelSpec.env).toEqual(KERNEL_MALLOC_ENV);
});
