"""Installing medflow the way users do, into clean places, and running a cell through it.

- npm: `npm pack` → `npm install -g --prefix <clean prefix> medflow-*.tgz` → the `medflow` of
  that prefix → `medflow install --user` (HOME pointed at a fresh directory) → the embedded
  JupyterLab server started on that user data dir lists the kernelspec and the extension, and
  jupyter_client starts the kernel from that kernelspec and runs `import * as mf from "medflow"`
  from the global install (not from this checkout).
- pip: the wheel built offline with hatchling (`pip wheel --no-build-isolation`) installs into
  a clean prefix with the prebuilt extension and a kernelspec that starts `medflow` from PATH.

Needs the build (lib/, labextension/, dist/, app/build/) and Debian's python3-hatchling; npm
installs the package's dependencies from its cache (filled by `npm ci`), online if it must.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import unittest
import urllib.request

from kernel_harness import REPO, temp_dir


def read_json(path):
    with open(path) as f:
        return json.load(f)


NPM = shutil.which('npm')
VERSION = read_json(os.path.join(REPO, 'package.json'))['version']
BUILT = all(os.path.exists(os.path.join(REPO, p)) for p in (
    'dist/kernel/cli/main.js', 'labextension/medflow/package.json', 'app/build/bundle.js'))
CELL = ('import * as mf from "medflow";\n'
        'const engine: string = require.resolve("medflow");\n'
        '[mf.datasets.list().map(d => d.name).join(","), engine].join(" ")')


def clean_env(**extra):
    """The environment of a user who has never set up Jupyter: no data dirs from this test run."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('JUPYTER_') and k not in ('XDG_DATA_HOME', 'PYTHONPATH')}
    env.update(extra)
    return env


def run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    if result.returncode != 0:
        raise AssertionError('%s failed (%d):\n%s\n%s' % (
            ' '.join(cmd), result.returncode, result.stdout[-3000:], result.stderr[-3000:]))
    return result.stdout


def run_cell(kernel_dir, env, cwd):
    """Starts the `medflow` kernelspec found in kernel_dir and returns the cell's text result."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    ksm = KernelSpecManager(kernel_dirs=[kernel_dir])
    km = KernelManager(kernel_name='medflow', kernel_spec_manager=ksm)
    km.start_kernel(cwd=cwd, env=env)
    results = []
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        reply = kc.execute_interactive(CELL, timeout=120, output_hook=results.append)
        return reply, [m['content']['data']['text/plain'] for m in results
                       if m['msg_type'] == 'execute_result']
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@unittest.skipUnless(BUILT and NPM, 'needs `npm run build` (dist, labextension, app/build) and npm')
class NpmGlobalInstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = temp_dir('medflow-pack-')
        out = run([NPM, 'pack', '--json', '--pack-destination', cls.tmp], cwd=REPO)
        cls.packed = json.loads(out)[0]
        cls.prefix = os.path.join(cls.tmp, 'prefix')
        run([NPM, 'install', '-g', '--prefix', cls.prefix, '--prefer-offline', '--no-audit',
             '--no-fund', os.path.join(cls.tmp, cls.packed['filename'])], cwd=cls.tmp)
        cls.home = os.path.join(cls.tmp, 'home')
        os.makedirs(cls.home)
        cls.env = clean_env(HOME=cls.home,
                            PATH=os.path.join(cls.prefix, 'bin') + os.pathsep + os.environ['PATH'])
        cls.medflow = os.path.join(cls.prefix, 'bin', 'medflow')

    def test_package_ships_built_assets_without_sources_or_source_maps(self):
        names = [f['path'] for f in self.packed['files']]
        for needed in ('bin/medflow.js', 'dist/kernel/engine/index.js',
                       'labextension/medflow/package.json', 'app/build/bundle.js',
                       'data/medmnist/pneumoniamnist.npz', 'kernel/python/medflow_worker.py',
                       'dist/kernel/engine/simd/image-kernels.wasm',
                       'dist/kernel/engine/backend/wasm/tensor-kernels.wasm',
                       'dist/kernel/engine/backend/wasm/tensor-kernels-shared.wasm'):
            self.assertIn(needed, names)
        self.assertFalse([n for n in names if n.startswith('app/build/') and n.endswith('.map')])
        self.assertFalse([n for n in names if n.endswith('.ts') and not n.endswith('.d.ts')])
        # What users download: the embedded JupyterLab without its source maps stays small.
        self.assertLess(self.packed['size'], 25 * 1024 * 1024)

    def test_cli_of_the_clean_prefix(self):
        self.assertEqual(run([self.medflow, 'version'], env=self.env).strip(), VERSION)

    def test_install_user_registers_kernel_and_extension_for_jupyterlab(self):
        out = run([self.medflow, 'install', '--user'], env=self.env)
        data_dir = os.path.join(self.home, '.local', 'share', 'jupyter')
        self.assertIn(os.path.join(data_dir, 'kernels', 'medflow'), out)
        spec = read_json(os.path.join(data_dir, 'kernels', 'medflow', 'kernel.json'))
        installed = os.path.realpath(os.path.join(self.prefix, 'lib', 'node_modules', 'medflow'))
        self.assertEqual(os.path.realpath(os.path.dirname(os.path.dirname(spec['argv'][1]))),
                         installed)
        ext = read_json(os.path.join(data_dir, 'labextensions', 'medflow', 'package.json'))
        self.assertEqual((ext['name'], ext['version']), ('medflow', VERSION))

        # A JupyterLab 4 server reading that data dir offers the kernel and loads the extension.
        server = self.start_server(data_dir)
        try:
            specs = self.get_json(server, '/api/kernelspecs')
            self.assertIn('medflow', specs['kernelspecs'])
            self.assertEqual(specs['kernelspecs']['medflow']['spec']['argv'][1], spec['argv'][1])
            page = self.get(server, '/lab')
            config = json.loads(re.search(
                r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                page, re.S).group(1))
            names = [e['name'] for e in config.get('federated_extensions', [])]
            self.assertIn('medflow', names)
        finally:
            server.terminate()
            server.wait(timeout=30)
            server.stdout.close()

        # The kernel of that kernelspec runs a cell, importing the engine of the global install.
        reply, texts = run_cell(os.path.join(data_dir, 'kernels'), self.env, self.home)
        self.assertEqual(reply['content']['status'], 'ok', reply['content'])
        self.assertEqual(len(texts), 1, texts)
        names, engine = texts[0].strip("'").split(' ')
        self.assertIn('pneumoniamnist', names.split(','))
        self.assertTrue(os.path.realpath(engine).startswith(installed), engine)

    # -- the embedded JupyterLab server of the installed package, on the user's data dir --
    def start_server(self, data_dir):
        import socket
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            port = s.getsockname()[1]
        installed = os.path.join(self.prefix, 'lib', 'node_modules', 'medflow')
        env = dict(self.env, JUPYTER_DATA_DIR=data_dir,
                   PYTHONPATH=os.path.join(installed, 'app', 'server'))
        code = ('const {startLab} = require(%s);'
                'startLab({root: %s, port: %d, token: "t0k", dataDir: %s, stdio: "inherit"})'
                '.then(() => console.log("READY"), e => { console.error(e); process.exit(1); });'
                % (json.dumps(os.path.join(installed, 'dist', 'kernel', 'cli', 'lab.js')),
                   json.dumps(self.home), port, json.dumps(data_dir)))
        proc = subprocess.Popen(['node', '-e', code], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        line = proc.stdout.readline()
        self.assertEqual(line.strip(), 'READY', 'embedded server did not start')
        proc.base = 'http://127.0.0.1:%d' % port
        return proc

    def get(self, server, path):
        req = urllib.request.Request(server.base + path, headers={'Authorization': 'token t0k'})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read().decode()

    def get_json(self, server, path):
        return json.loads(self.get(server, path))


HATCHLING = subprocess.run(['/usr/bin/python3', '-c', 'import hatchling'],
                           capture_output=True).returncode == 0


@unittest.skipUnless(BUILT and HATCHLING, 'needs `npm run build` and python3-hatchling')
class WheelTest(unittest.TestCase):
    def test_wheel_ships_extension_and_kernelspec(self):
        tmp = temp_dir('medflow-wheel-')
        run(['/usr/bin/python3', '-m', 'pip', 'wheel', '--no-build-isolation', '--no-deps',
             '--no-index', '-w', tmp, REPO], cwd=tmp)
        wheel = glob.glob(os.path.join(tmp, 'medflow-%s-*.whl' % VERSION))
        self.assertEqual(len(wheel), 1, os.listdir(tmp))
        prefix = os.path.join(tmp, 'prefix')
        run(['/usr/bin/python3', '-m', 'pip', 'install', '--no-deps', '--no-index',
             '--prefix', prefix, wheel[0]], cwd=tmp)
        # Debian's pip puts data files under <prefix>/local/share; others under <prefix>/share.
        specs = glob.glob(os.path.join(prefix, '**', 'share', 'jupyter', 'kernels', 'medflow',
                                       'kernel.json'), recursive=True)
        self.assertEqual(len(specs), 1)
        share = os.path.dirname(os.path.dirname(os.path.dirname(specs[0])))
        ext = read_json(os.path.join(share, 'labextensions', 'medflow', 'package.json'))
        self.assertEqual((ext['name'], ext['version']), ('medflow', VERSION))
        entry = ext['jupyterlab']['_build']['load']
        self.assertTrue(os.path.exists(os.path.join(share, 'labextensions', 'medflow', entry)))
        self.assertEqual(read_json(specs[0])['argv'][:2], ['medflow', 'kernel'])

        # The wheel's kernelspec starts `medflow` from PATH: here, this checkout's CLI.
        bin_dir = os.path.join(tmp, 'bin')
        os.makedirs(bin_dir)
        os.symlink(os.path.join(REPO, 'bin', 'medflow.js'), os.path.join(bin_dir, 'medflow'))
        env = clean_env(PATH=bin_dir + os.pathsep + os.environ['PATH'])
        reply, texts = run_cell(os.path.dirname(os.path.dirname(specs[0])), env, tmp)
        self.assertEqual(reply['content']['status'], 'ok', reply['content'])
        self.assertIn('pneumoniamnist', texts[0])


if __name__ == '__main__':
    unittest.main()
