"""Start the medflow kernel through Debian's jupyter_client, as Jupyter itself does.

A kernelspec is written into a temporary directory that is put first on JUPYTER_PATH, so the
tests use the freshly built kernel (dist/) and never a kernelspec installed on the machine.
"""
import atexit
import json
import os
import shutil
import tempfile
import time
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
KERNEL_NAME = 'medflow-test'
NODE = shutil.which('node') or 'node'

_spec_root = tempfile.mkdtemp(prefix='medflow-kernelspec-')
atexit.register(shutil.rmtree, _spec_root, True)
# The kernel keeps its input history under the Jupyter data dir: a fresh one per test run, so
# history tests see only their own cells and nothing lands in the user's real history.
DATA_DIR = tempfile.mkdtemp(prefix='medflow-jupyter-data-')
atexit.register(shutil.rmtree, DATA_DIR, True)
os.environ['JUPYTER_DATA_DIR'] = DATA_DIR
HISTORY_FILE = os.path.join(DATA_DIR, 'medflow', 'history.jsonl')


def temp_dir(prefix):
    """A temporary directory removed when the test process ends."""
    path = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, path, True)
    return path


def kernel_argv():
    """The integrator's CLI when it is built, else the kernel's entry point directly."""
    if os.path.exists(os.path.join(REPO, 'dist', 'kernel', 'cli', 'main.js')):
        return [NODE, os.path.join(REPO, 'bin', 'medflow.js'), 'kernel', '-f', '{connection_file}']
    entry = os.path.join(REPO, 'dist', 'kernel', 'jupyter', 'index.js')
    code = 'require(%s).runKernel(process.argv[1])' % json.dumps(entry)
    return [NODE, '-e', code, '{connection_file}']


def write_kernelspec(interrupt_mode='message'):
    if not os.path.exists(os.path.join(REPO, 'dist', 'kernel', 'jupyter', 'index.js')):
        raise RuntimeError('kernel not built: run `npx tsc -p kernel/tsconfig.json` first')
    spec_dir = os.path.join(_spec_root, 'kernels', KERNEL_NAME)
    os.makedirs(spec_dir, exist_ok=True)
    with open(os.path.join(spec_dir, 'kernel.json'), 'w') as f:
        json.dump({
            'argv': kernel_argv(),
            'display_name': 'medflow (test)',
            'language': 'typescript',
            'interrupt_mode': interrupt_mode,
        }, f)
    os.environ['JUPYTER_PATH'] = _spec_root + os.pathsep + os.environ.get('JUPYTER_PATH', '')


write_kernelspec()


def start_kernel(cwd=None, interrupt_mode='message', timeout=60, ip=None, **launch):
    """A started kernel and a ready client; stop both with stop_kernel.

    `launch` goes to the process launcher (e.g. stderr=<file> to read the kernel's log).
    """
    from jupyter_client.manager import KernelManager
    write_kernelspec(interrupt_mode)
    km = KernelManager(kernel_name=KERNEL_NAME, **({'ip': ip} if ip else {}))
    km.start_kernel(cwd=cwd or temp_dir('medflow-nb-'), **launch)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=timeout)
    return km, kc


def stop_kernel(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def execute(kc, code, timeout=60, **kwargs):
    """Run `code`; return (shell reply, iopub messages of this request up to its idle status)."""
    msg_id = kc.execute(code, **kwargs)
    return collect(kc, msg_id, timeout)


def collect(kc, msg_id, timeout=60, others=None):
    """The reply to msg_id and its iopub messages; other cells' messages go to `others`."""
    reply = kc.get_shell_msg(timeout=timeout)
    while reply['parent_header'].get('msg_id') != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    outputs = []
    deadline = time.monotonic() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg['parent_header'].get('msg_id') != msg_id:
            if others is not None:
                others.append(msg)
            continue
        if msg['msg_type'] == 'status' and msg['content']['execution_state'] == 'idle':
            return reply, outputs
        if msg['msg_type'] != 'status':
            outputs.append(msg)


def stream_text(outputs, name='stdout'):
    return ''.join(m['content']['text'] for m in outputs
                   if m['msg_type'] == 'stream' and m['content']['name'] == name)


class KernelLog:
    """The kernel's stderr (its log), in a temporary file: pass `stderr=log.file` to start_kernel."""

    def __init__(self):
        self.path = os.path.join(temp_dir('medflow-log-'), 'kernel.log')
        self.file = open(self.path, 'w+b')

    def text(self):
        with open(self.path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')

    def wait_for(self, fragment, timeout=10):
        """The log once it contains `fragment` (fails after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text()
            if fragment in text:
                return text
            time.sleep(0.05)
        raise AssertionError('%r not in the kernel log:\n%s' % (fragment, self.text()))

    def close(self):
        self.file.close()


class SharedKernelCase(unittest.TestCase):
    """One kernel for all tests of a class (for cases that neither end nor restart it)."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_kernel()

    @classmethod
    def tearDownClass(cls):
        stop_kernel(cls.km, cls.kc)

    def run_ok(self, code, timeout=60):
        """Execute `code`; the reply must be ok. Returns the iopub messages of the request."""
        reply, outputs = execute(self.kc, code, timeout=timeout)
        self.assertEqual(reply['content']['status'], 'ok', reply['content'])
        return outputs
