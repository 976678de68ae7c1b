"""`%%python` cells through the kernel over ZeroMQ: the long-lived Python worker behind them,
its streams, tracebacks, interrupt, crash recovery, `%%python module NAME`, and history.
"""
import json
import os
import time
import unittest

from kernel_harness import REPO, SharedKernelCase, collect, execute, start_kernel, stop_kernel, stream_text

REGISTRY = json.dumps(os.path.join(REPO, 'dist', 'kernel', 'engine', 'modules', 'registry'))


class PythonCellsTest(SharedKernelCase):
    """%%python cells and modules, on one kernel and its Python worker."""

    def test_state_and_streams_carry_across_python_cells(self):
        self.run_ok('%%python\nimport numpy as np\nscan = np.arange(6).reshape(2, 3)')
        outputs = self.run_ok('%%python\nimport sys\nprint(scan.sum())\n'
                              'print("to stderr", file=sys.stderr)')
        self.assertEqual(stream_text(outputs, 'stdout'), '15\n')
        self.assertEqual(stream_text(outputs, 'stderr'), 'to stderr\n')
        # TypeScript cells are not affected by Python ones, and the other way round.
        outputs = self.run_ok('const scan = "ts"; scan')
        self.assertEqual(outputs[-1]['content']['data']['text/plain'], "'ts'")

    def test_python_error_is_an_error_reply_with_the_python_traceback(self):
        reply, outputs = execute(self.kc, '%%python\ndef f(x):\n    return 1 / x\nf(0)')
        content = reply['content']
        self.assertEqual(content['status'], 'error')
        self.assertEqual(content['ename'], 'ZeroDivisionError')
        self.assertIn('division by zero', content['evalue'])
        trace = '\n'.join(content['traceback'])
        self.assertIn('return 1 / x', trace)
        self.assertEqual([m['msg_type'] for m in outputs if m['msg_type'] == 'error'], ['error'])
        self.run_ok('%%python\nprint("after the error")')

    def test_interrupt_stops_a_python_loop_and_keeps_its_state(self):
        self.run_ok('%%python\nkept = "still here"')
        msg_id = self.kc.execute('%%python\nimport time\nprint("looping", flush=True)\n'
                                 'while True:\n    time.sleep(0.01)')
        time.sleep(1.5)
        self.km.interrupt_kernel()
        reply, outputs = collect(self.kc, msg_id, timeout=20)
        self.assertEqual(reply['content']['status'], 'error')
        self.assertEqual(reply['content']['ename'], 'KeyboardInterrupt')
        self.assertEqual(stream_text(outputs), 'looping\n')
        outputs = self.run_ok('%%python\nprint(kept)')
        self.assertEqual(stream_text(outputs), 'still here\n')

    def test_a_crashed_worker_is_reported_and_replaced(self):
        reply, _ = execute(self.kc, '%%python\nimport os\nos._exit(3)')
        self.assertEqual(reply['content']['status'], 'error')
        self.assertIn('exit', (reply['content']['evalue'] + reply['content']['ename']).lower())
        outputs = self.run_ok('%%python\nprint("fresh worker")')
        self.assertEqual(stream_text(outputs), 'fresh worker\n')
        self.run_ok('"the kernel is up"')

    def test_python_module_is_registered_with_the_engine(self):
        self.run_ok('%%python module kernel_test_invert\n'
                    'class Invert:\n'
                    '    """Inverts an 8-bit image."""\n'
                    '    def __call__(self, data):\n'
                    '        data["image"]["array"] = 255 - data["image"]["array"]\n'
                    '        return data\n')
        outputs = self.run_ok('const { getModule } = require(%s);\n'
                              'getModule("kernel_test_invert").origin' % REGISTRY)
        self.assertEqual(outputs[-1]['content']['data']['text/plain'], "'user'")
        reply, _ = execute(self.kc, '%%python module kernel_test_empty\nx = 1\n')
        self.assertEqual(reply['content']['status'], 'error')
        self.assertIn('kernel_test_empty', reply['content']['evalue'])

    def test_unknown_magic_is_a_usage_error(self):
        reply, _ = execute(self.kc, '%%bash\nls')
        self.assertEqual(reply['content']['ename'], 'UsageError')
        self.assertIn('%%python', reply['content']['evalue'])

    def test_python_cells_are_complete_and_in_the_history(self):
        self.kc.is_complete('%%python\ndef f(:')
        self.assertEqual(self.kc.get_shell_msg(timeout=10)['content']['status'], 'complete')
        code = '%%python\nhistory_marker = 1'
        self.run_ok(code)
        self.kc.history(hist_access_type='search', pattern='*history_marker*', output=False,
                        raw=True)
        found = self.kc.get_shell_msg(timeout=10)['content']['history']
        self.assertEqual([h[2] for h in found], [code])



class PythonSignalInterruptTest(unittest.TestCase):
    """Jupyter's signal mode sends SIGINT to the kernel's whole process group, the worker too."""

    def test_python_state_survives_interrupts_of_python_and_typescript_cells(self):
        km, kc = start_kernel(interrupt_mode='signal')
        try:
            self.assertEqual(execute(kc, '%%python\nkept = 7')[0]['content']['status'], 'ok')
            for code in ('%%python\nimport time\nwhile True:\n    time.sleep(0.01)',
                         'while (true) {}'):
                msg_id = kc.execute(code)
                time.sleep(1.0)
                km.interrupt_kernel()
                reply, _ = collect(kc, msg_id, timeout=20)
                self.assertEqual(reply['content']['ename'], 'KeyboardInterrupt')
                reply, outputs = execute(kc, '%%python\nprint(kept)')
                self.assertEqual(reply['content']['status'], 'ok', reply['content'])
                self.assertEqual(stream_text(outputs), '7\n')
        finally:
            stop_kernel(km, kc)

if __name__ == '__main__':
    unittest.main()
