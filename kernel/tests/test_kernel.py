"""The medflow kernel driven through Debian's jupyter_client, as JupyterLab drives it.

Run: /usr/bin/python3 -m unittest discover -s kernel/tests -p 'test_*.py'
(after `npx tsc -p kernel/tsconfig.json`).
"""
import json
import os
import time
import unittest

from kernel_harness import (REPO, SharedKernelCase, collect, execute, start_kernel, stop_kernel, stream_text,
                            temp_dir)

MIME_CLASS = r'''
class Scan {
  constructor(public readonly name: string) {}
  [Symbol.for('jupyter.mimebundle')]() {
    return {
      'text/html': `<b>${this.name}</b>`,
      'application/vnd.medflow.test+json': { name: this.name, nodes: [1, 2, 3] }
    };
  }
}
'''


class KernelTest(SharedKernelCase):
    """One kernel for the cases that do not end or restart it."""

    def result_of(self, outputs):
        results = [m for m in outputs if m['msg_type'] == 'execute_result']
        self.assertEqual(len(results), 1, outputs)
        return results[0]['content']

    def test_kernel_info(self):
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=10)
        content = reply['content']
        self.assertEqual(reply['msg_type'], 'kernel_info_reply')
        self.assertEqual(content['status'], 'ok')
        self.assertEqual(content['protocol_version'], '5.3')
        self.assertEqual(content['implementation'], 'medflow')
        info = content['language_info']
        self.assertEqual(info['name'], 'typescript')
        self.assertEqual(info['file_extension'], '.ts')
        self.assertEqual(info['mimetype'], 'text/typescript')
        self.assertEqual(info['codemirror_mode'], 'typescript')

    def test_stdout_and_stderr_streams(self):
        outputs = self.run_ok('console.log("to", "stdout"); console.error("to stderr"); '
                              'process.stdout.write("raw write\\n")')
        self.assertEqual(stream_text(outputs, 'stdout'), 'to stdout\nraw write\n')
        self.assertEqual(stream_text(outputs, 'stderr'), 'to stderr\n')

    def test_execute_result_of_last_expression(self):
        reply, outputs = execute(self.kc, 'const xs = [1, 2, 3];\nxs.map(x => x * 2)')
        result = self.result_of(outputs)
        self.assertEqual(result['data']['text/plain'], '[ 2, 4, 6 ]')
        self.assertEqual(result['execution_count'], reply['content']['execution_count'])
        inputs = [m for m in outputs if m['msg_type'] == 'execute_input']
        self.assertEqual(inputs[0]['content']['execution_count'], reply['content']['execution_count'])
        # A statement has no value: no execute_result.
        outputs = self.run_ok('let unused = 1;')
        self.assertEqual([m for m in outputs if m['msg_type'] == 'execute_result'], [])

    def test_variables_and_functions_carry_across_cells(self):
        self.run_ok('let counter = 10;\nfunction bump(by: number): number { counter += by; return counter; }')
        self.run_ok('bump(5);')
        result = self.result_of(self.run_ok('bump(1) * 2'))
        self.assertEqual(result['data']['text/plain'], '32')

    def test_runtime_error(self):
        reply, outputs = execute(self.kc, 'function inner() { throw new RangeError("pixel out of range"); }\n'
                                          'inner();')
        content = reply['content']
        self.assertEqual(content['status'], 'error')
        self.assertEqual(content['ename'], 'RangeError')
        self.assertEqual(content['evalue'], 'pixel out of range')
        self.assertEqual(content['traceback'][0], 'RangeError: pixel out of range')
        self.assertTrue(any('inner' in line for line in content['traceback']), content['traceback'])
        self.assertFalse(any('tslab' in line for line in content['traceback']), content['traceback'])
        errors = [m for m in outputs if m['msg_type'] == 'error']
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]['content']['ename'], 'RangeError')

    def test_type_error_reports_line_and_column(self):
        reply, outputs = execute(self.kc, 'const ok = 1;\nconst size: number = "large";')
        content = reply['content']
        self.assertEqual(content['status'], 'error')
        self.assertEqual(content['ename'], 'TypeScriptError')
        self.assertIn('2:7', content['evalue'])
        self.assertIn("not assignable to type 'number'", content['evalue'])
        self.assertEqual([m['msg_type'] for m in outputs], ['execute_input', 'error'])
        # The failed cell defined nothing.
        reply, _ = execute(self.kc, 'size')
        self.assertEqual(reply['content']['status'], 'error')

    def test_thrown_non_error_value(self):
        reply, _ = execute(self.kc, 'throw "plain string"')
        self.assertEqual(reply['content']['status'], 'error')
        self.assertEqual(reply['content']['evalue'], 'plain string')

    def test_mime_bundle_of_last_value_and_display(self):
        self.run_ok(MIME_CLASS)
        data = self.result_of(self.run_ok('new Scan("chest-xray")'))['data']
        self.assertEqual(data['text/html'], '<b>chest-xray</b>')
        self.assertEqual(data['application/vnd.medflow.test+json'],
                         {'name': 'chest-xray', 'nodes': [1, 2, 3]})
        self.assertIn('Scan', data['text/plain'])
        outputs = self.run_ok('display(new Scan("first")); display(new Scan("second")); 1')
        shown = [m['content']['data']['text/html'] for m in outputs if m['msg_type'] == 'display_data']
        self.assertEqual(shown, ['<b>first</b>', '<b>second</b>'])
        self.assertEqual([m['msg_type'] for m in outputs][-1], 'execute_result')

    def test_display_update_replaces_an_output(self):
        outputs = self.run_ok('display("epoch 1", { display_id: "progress" });\n'
                              'display("epoch 2", { display_id: "progress", update: true });')
        kinds = [(m['msg_type'], m['content']['transient'], m['content']['data']['text/plain'])
                 for m in outputs if 'display' in m['msg_type']]
        self.assertEqual(kinds, [('display_data', {'display_id': 'progress'}, "'epoch 1'"),
                                 ('update_display_data', {'display_id': 'progress'}, "'epoch 2'")])

    def test_display_is_type_checked(self):
        reply, _ = execute(self.kc, 'display()')
        self.assertEqual(reply['content']['ename'], 'TypeScriptError')

    def test_output_after_cell_returned_goes_to_its_cell(self):
        first = self.kc.execute('setTimeout(() => console.log("late from first"), 400);')
        collect(self.kc, first)
        second = self.kc.execute('await new Promise(r => setTimeout(r, 1000)); console.log("second")')
        others = []
        reply, outputs = collect(self.kc, second, others=others)
        self.assertEqual(stream_text(outputs), 'second\n')
        # The late line was published with the first cell's header, while the second ran.
        late = [m for m in others if m['msg_type'] == 'stream']
        self.assertEqual([m['content']['text'] for m in late], ['late from first\n'])
        self.assertEqual(late[0]['parent_header']['msg_id'], first)

    def test_late_display_and_display_updates_go_to_their_cell(self):
        # A "training loop" started without await: it shows a progress display, then updates
        # it and prints, all after its cell returned and while another cell runs.
        first = self.kc.execute(
            'display("epoch 0", { display_id: "progress" });\n'
            'let epoch = 0;\n'
            'const timer = setInterval(() => {\n'
            '  epoch += 1;\n'
            '  display(`epoch ${epoch}`, { display_id: "progress", update: true });\n'
            '  if (epoch === 3) { clearInterval(timer); console.log("trained"); }\n'
            '}, 150);')
        collect(self.kc, first)
        second = self.kc.execute('await new Promise(r => setTimeout(r, 1200)); console.log("second")')
        others = []
        _, outputs = collect(self.kc, second, others=others)
        self.assertEqual([m['msg_type'] for m in outputs], ['execute_input', 'stream'])
        late = [m for m in others if m['msg_type'] in ('update_display_data', 'stream')]
        self.assertEqual([m['parent_header']['msg_id'] for m in late], [first] * 4)
        updates = [m['content'] for m in late if m['msg_type'] == 'update_display_data']
        self.assertEqual([u['data']['text/plain'] for u in updates],
                         ["'epoch 1'", "'epoch 2'", "'epoch 3'"])
        self.assertEqual({u['transient']['display_id'] for u in updates}, {'progress'})
        self.assertEqual(stream_text(late), 'trained\n')

    def test_clear_output_goes_to_the_calling_cell(self):
        outputs = self.run_ok('console.log("old"); clearOutput(); clearOutput({ wait: true });')
        cleared = [m['content'] for m in outputs if m['msg_type'] == 'clear_output']
        self.assertEqual(cleared, [{'wait': False}, {'wait': True}])
        reply, _ = execute(self.kc, 'clearOutput({ wait: "yes" })')
        self.assertEqual(reply['content']['ename'], 'TypeScriptError')

    def test_pager_shows_documentation(self):
        self.run_ok('/** Scales every pixel. */\nfunction scaleAll(v: number[]): number[] { return v; }')
        reply, _ = execute(self.kc, 'scaleAll?')
        page = reply['content']['payload']
        self.assertEqual(len(page), 1)
        self.assertEqual(page[0]['source'], 'page')
        self.assertIn('Scales every pixel.', page[0]['data']['text/plain'])
        outputs = self.run_ok('notDefinedAnywhere?')
        self.assertEqual(stream_text(outputs), 'Object `notDefinedAnywhere` not found.\n')

    def test_error_without_stop_on_error_aborts_nothing(self):
        failing = self.kc.execute('await new Promise(r => setTimeout(r, 300)); throw new Error("x")',
                                  stop_on_error=False)
        queued = self.kc.execute('console.log("ran anyway")')
        self.assertEqual(collect(self.kc, failing)[0]['content']['status'], 'error')
        reply, outputs = collect(self.kc, queued)
        self.assertEqual(reply['content']['status'], 'ok')
        self.assertEqual(stream_text(outputs), 'ran anyway\n')

    def test_queued_non_execute_requests_are_answered_after_an_error(self):
        failing = self.kc.execute('await new Promise(r => setTimeout(r, 300)); throw new Error("x")')
        self.kc.kernel_info()
        self.assertEqual(collect(self.kc, failing)[0]['content']['status'], 'error')
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertEqual((reply['msg_type'], reply['content']['status']), ('kernel_info_reply', 'ok'))

    def test_user_expressions(self):
        reply, _ = execute(self.kc, 'let depth = 3;',
                           user_expressions={'twice': 'depth * 2', 'bad': 'depth.nope()'})
        expressions = reply['content']['user_expressions']
        self.assertEqual(expressions['twice'],
                         {'status': 'ok', 'data': {'text/plain': '6'}, 'metadata': {}})
        self.assertEqual(expressions['bad']['status'], 'error')
        self.assertEqual(expressions['bad']['ename'], 'TypeScriptError')

    def test_heartbeat_answers_while_a_cell_blocks_the_main_thread(self):
        import zmq
        info = self.km.get_connection_info()
        ctx = zmq.Context()
        sock = ctx.socket(zmq.REQ)
        sock.linger = 0
        sock.connect('tcp://%s:%d' % (info['ip'], info['hb_port']))
        try:
            msg_id = self.kc.execute('const tBlock = Date.now();\nwhile (Date.now() - tBlock < 2500) {}')
            time.sleep(0.8)
            sock.send(b'ping during a blocking cell')
            self.assertTrue(sock.poll(1000), 'no heartbeat echo while the main thread was busy')
            self.assertEqual(sock.recv(), b'ping during a blocking cell')
            reply, _ = collect(self.kc, msg_id)
            self.assertEqual(reply['content']['status'], 'ok')
        finally:
            sock.close()
            ctx.term()

    def test_is_complete(self):
        for code, status in [('let a = 1', 'complete'), ('function f() {', 'incomplete'),
                             ('[1, 2,', 'incomplete'), ('let = = 2;', 'invalid'),
                             ('let b = ) 3', 'invalid')]:
            self.kc.is_complete(code)
            reply = self.kc.get_shell_msg(timeout=10)
            self.assertEqual(reply['content']['status'], status, code)

    def test_complete_knows_earlier_cells(self):
        self.run_ok('const imageWidth = 64; const imageHeight = 64;')
        code = 'image'
        self.kc.complete(code, len(code))
        reply = self.kc.get_shell_msg(timeout=30)
        content = reply['content']
        self.assertEqual(content['status'], 'ok')
        self.assertIn('imageWidth', content['matches'])
        self.assertIn('imageHeight', content['matches'])
        self.assertEqual((content['cursor_start'], content['cursor_end']), (0, len(code)))
        code = '"Math".toUpp'
        self.kc.complete(code, len(code))
        self.assertIn('toUpperCase', self.kc.get_shell_msg(timeout=30)['content']['matches'])

    def test_inspect(self):
        self.run_ok('/** Scales every pixel. */\nfunction rescale(v: number[], k: number) { return v.map(x => x * k); }')
        self.kc.inspect('rescale', 3)
        content = self.kc.get_shell_msg(timeout=30)['content']
        self.assertTrue(content['found'])
        self.assertIn('rescale(v: number[], k: number): number[]', content['data']['text/plain'])
        self.assertIn('Scales every pixel.', content['data']['text/plain'])

    def test_history_and_comm_info_replies(self):
        self.kc.history(hist_access_type='tail', n=3)
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertEqual((reply['msg_type'], reply['content']['status']), ('history_reply', 'ok'))
        msg = self.kc.session.msg('comm_info_request', {})
        self.kc.shell_channel.send(msg)
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertEqual(reply['msg_type'], 'comm_info_reply')
        self.assertEqual(reply['content'], {'status': 'ok', 'comms': {}})

    def test_interrupt_async_cell_keeps_state(self):
        self.run_ok('let kept = "still here";')
        cancel = os.path.join(REPO, 'dist', 'kernel', 'engine', 'cancel.js')
        msg_id = self.kc.execute(
            'const { ambientSignal } = require(%s);\n'
            'ambientSignal()!.addEventListener("abort", () => console.log("engine saw the abort"));\n'
            'await new Promise(r => setTimeout(r, 60000));' % json.dumps(cancel))
        time.sleep(1.5)
        self.km.interrupt_kernel()
        reply, outputs = collect(self.kc, msg_id, timeout=20)
        self.assertEqual(reply['content']['status'], 'error')
        self.assertEqual(reply['content']['ename'], 'KeyboardInterrupt')
        self.assertIn('engine saw the abort', stream_text(outputs))
        result = self.result_of(self.run_ok('kept'))
        self.assertEqual(result['data']['text/plain'], "'still here'")

    def test_failed_cell_aborts_only_requests_queued_before_its_reply(self):
        failing = self.kc.execute('await new Promise(r => setTimeout(r, 500)); throw new Error("stop")')
        queued = self.kc.execute('console.log("must not run")')
        reply, _ = collect(self.kc, failing)
        self.assertEqual(reply['content']['status'], 'error')
        reply, outputs = collect(self.kc, queued)
        self.assertEqual(reply['content']['status'], 'aborted')
        self.assertEqual(stream_text(outputs), '')
        # Sent after the error reply: runs, with no grace window.
        self.run_ok('1')

    def test_requests_that_waited_behind_a_blocking_failed_cell_are_aborted(self):
        # They sit in ZeroMQ's queue while the main thread is blocked, yet arrived first.
        failing = self.kc.execute('const t0 = Date.now();\n'
                                  'while (Date.now() - t0 < 1000) {}\nthrow new Error("x")')
        time.sleep(0.3)
        queued = [self.kc.execute('console.log(%d)' % i) for i in range(3)]
        self.assertEqual(collect(self.kc, failing)[0]['content']['status'], 'error')
        for msg_id in queued:
            self.assertEqual(collect(self.kc, msg_id)[0]['content']['status'], 'aborted')
        self.run_ok('2')


class KernelLifecycleTest(unittest.TestCase):
    """Cases that end, restart or signal their own kernel."""

    def test_restart_clears_state(self):
        km, kc = start_kernel()
        try:
            execute(kc, 'let before = 1;')
            km.restart_kernel(now=False)
            kc.wait_for_ready(timeout=60)
            reply, _ = execute(kc, 'before')
            self.assertEqual(reply['content']['status'], 'error')
            reply, outputs = execute(kc, '1 + 1')
            self.assertEqual(reply['content']['status'], 'ok')
        finally:
            stop_kernel(km, kc)

    def test_interrupt_while_starting_does_not_kill_the_kernel(self):
        from jupyter_client.manager import KernelManager
        from kernel_harness import KERNEL_NAME, write_kernelspec
        write_kernelspec('message')
        km = KernelManager(kernel_name=KERNEL_NAME)
        km.start_kernel(cwd=temp_dir('medflow-nb-'))
        km.interrupt_kernel()  # delivered as soon as the control socket is bound
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            reply, _ = execute(kc, '1 + 1')
            self.assertEqual(reply['content']['status'], 'ok')
            self.assertTrue(km.is_alive())
        finally:
            stop_kernel(km, kc)

    def test_shutdown_ends_the_process(self):
        km, kc = start_kernel()
        kc.shutdown()
        reply = kc.get_control_msg(timeout=10) if hasattr(kc, 'get_control_msg') else None
        if reply is not None:
            self.assertEqual(reply['content']['status'], 'ok')
        deadline = time.monotonic() + 10
        while km.is_alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertFalse(km.is_alive(), 'kernel process still running after shutdown_request')
        kc.stop_channels()
        km.cleanup_resources()

    def test_interrupt_synchronous_loop_with_signal(self):
        self.check_synchronous_loop_interrupt('signal')

    def test_interrupt_synchronous_loop_with_message(self):
        # The main thread is stuck in the loop; the control thread must still see the request.
        self.check_synchronous_loop_interrupt('message')

    def check_synchronous_loop_interrupt(self, mode):
        km, kc = start_kernel(interrupt_mode=mode)
        try:
            execute(kc, 'let survived = 3;')
            msg_id = kc.execute('let spins = 0;\nwhile (true) { spins++; }')
            time.sleep(1.5)
            km.interrupt_kernel()
            reply, _ = collect(kc, msg_id, timeout=20)
            self.assertEqual(reply['content']['ename'], 'KeyboardInterrupt')
            reply, outputs = execute(kc, 'survived')
            self.assertEqual(reply['content']['status'], 'ok')
            self.assertEqual(outputs[-1]['content']['data']['text/plain'], '3')
        finally:
            stop_kernel(km, kc)


if __name__ == '__main__':
    unittest.main()
