"""Comms both ways over real ZeroMQ: the engine's live channels (engine/live/channel.ts) as the
kernel carries them, binary buffers included, and bad comm traffic that must not hurt the kernel.
"""
import json
import os
import time
import unittest
from queue import Empty

from kernel_harness import REPO, KernelLog, collect, execute, start_kernel, stop_kernel, stream_text

CHANNEL = json.dumps(os.path.join(REPO, 'dist', 'kernel', 'engine', 'live', 'channel'))


class CommsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.log = KernelLog()
        cls.km, cls.kc = start_kernel(stderr=cls.log.file)
        reply, _ = execute(cls.kc, 'import { liveHost } from %s;\nconst host = liveHost()!;' % CHANNEL)
        assert reply['content']['status'] == 'ok', reply['content']

    @classmethod
    def tearDownClass(cls):
        stop_kernel(cls.km, cls.kc)
        cls.log.close()

    def setUp(self):
        # iopub messages read while looking for another one, in order (see next_iopub).
        self.seen = []

    def run_ok(self, code):
        reply, outputs = execute(self.kc, code)
        self.assertEqual(reply['content']['status'], 'ok', reply['content'])
        self.seen.extend(outputs)
        return reply, outputs

    def send_shell(self, msg_type, content, buffers=None):
        """What a frontend sends: one signed message on shell, with binary buffers."""
        msg = self.kc.session.msg(msg_type, content)
        self.kc.session.send(self.kc.shell_channel.socket, msg, buffers=buffers)
        return msg['header']['msg_id']

    def next_iopub(self, msg_type, comm_id=None, timeout=10):
        """The first unclaimed iopub message of `msg_type` (for `comm_id`), in arrival order."""
        def wanted(msg):
            return msg['msg_type'] == msg_type and (
                comm_id is None or msg['content'].get('comm_id') == comm_id)
        for i, msg in enumerate(self.seen):
            if wanted(msg):
                return self.seen.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            try:
                msg = self.kc.get_iopub_msg(timeout=max(0.05, deadline - time.monotonic()))
            except Empty:
                self.fail('no %s on iopub within %s s' % (msg_type, timeout))
            if wanted(msg):
                return msg
            self.seen.append(msg)

    def comm_info(self, target=None):
        content = {} if target is None else {'target_name': target}
        msg_id = self.send_shell('comm_info_request', content)
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertEqual(reply['parent_header']['msg_id'], msg_id)
        self.assertEqual(reply['content']['status'], 'ok')
        return reply['content']['comms']

    def open_from_kernel(self, target, var):
        """Open a channel from a cell; returns (its comm_open message, the cell's msg_id)."""
        msg_id = self.kc.execute(
            'const %s = host.open(%s, { rows: 2 }, [new Uint8Array([1, 2, 3])]);\n'
            '%s.onMessage((data, buffers) => {\n'
            '  console.log("patch", JSON.stringify(data));\n'
            '  %s.send({ echo: data, sizes: buffers.map(b => b.length) },\n'
            '          buffers.map(b => Uint8Array.from(b).reverse()));\n'
            '});\n'
            '%s.onClose(data => console.log("closed by the frontend", JSON.stringify(data)));'
            % (var, json.dumps(target), var, var, var))
        reply, outputs = collect(self.kc, msg_id)
        self.assertEqual(reply['content']['status'], 'ok', reply['content'])
        self.seen.extend(outputs)
        return self.next_iopub('comm_open'), msg_id

    def test_kernel_opens_a_channel_with_buffers_and_answers_patches(self):
        opened, cell = self.open_from_kernel('medflow.test.view', 'view')
        comm_id = opened['content']['comm_id']
        self.assertEqual(opened['content']['target_name'], 'medflow.test.view')
        self.assertEqual(opened['content']['data'], {'rows': 2})
        self.assertEqual([bytes(b) for b in opened['buffers']], [b'\x01\x02\x03'])
        self.assertEqual(opened['parent_header']['msg_id'], cell)

        self.send_shell('comm_msg', {'comm_id': comm_id, 'data': {'zoom': 3}},
                        buffers=[b'\x00\x01\x02\x03', b'\xff' * 1000])
        reply = self.next_iopub('comm_msg', comm_id)
        self.assertEqual(reply['content']['data'], {'echo': {'zoom': 3}, 'sizes': [4, 1000]})
        self.assertEqual([bytes(b) for b in reply['buffers']], [b'\x03\x02\x01\x00', b'\xff' * 1000])
        # What the handler printed goes to the cell that opened the channel.
        printed = self.next_iopub('stream')
        self.assertEqual(printed['content']['text'], 'patch {"zoom":3}\n')
        self.assertEqual(printed['parent_header']['msg_id'], cell)

        self.assertEqual(self.comm_info('medflow.test.view'),
                         {comm_id: {'target_name': 'medflow.test.view'}})
        self.send_shell('comm_close', {'comm_id': comm_id, 'data': {'why': 'tab closed'}})
        printed = self.next_iopub('stream')
        self.assertEqual(printed['content']['text'], 'closed by the frontend {"why":"tab closed"}\n')
        self.assertEqual(self.comm_info('medflow.test.view'), {})
        _, outputs = self.run_ok('view.closed')
        results = [m for m in outputs if m['msg_type'] == 'execute_result']
        self.assertEqual(results[0]['content']['data']['text/plain'], 'true')

    def test_kernel_closes_a_channel(self):
        opened, _ = self.open_from_kernel('medflow.test.closing', 'closing')
        comm_id = opened['content']['comm_id']
        self.run_ok('closing.close({ done: true }); closing.send({ ignored: 1 });')
        closed = self.next_iopub('comm_close', comm_id)
        self.assertEqual(closed['content']['data'], {'done': True})
        self.assertNotIn(comm_id, self.comm_info())
        self.assertIn('send on closed comm %s' % comm_id, self.log.wait_for('send on closed'))

    def test_comm_info_is_filtered_by_target(self):
        a, _ = self.open_from_kernel('medflow.test.a', 'a1')
        b, _ = self.open_from_kernel('medflow.test.b', 'b1')
        ida, idb = a['content']['comm_id'], b['content']['comm_id']
        self.assertEqual(self.comm_info('medflow.test.a'), {ida: {'target_name': 'medflow.test.a'}})
        everything = self.comm_info()
        self.assertEqual(everything[ida], {'target_name': 'medflow.test.a'})
        self.assertEqual(everything[idb], {'target_name': 'medflow.test.b'})
        self.assertEqual(self.comm_info('medflow.test.none'), {})

    def test_frontend_opens_a_channel_to_a_registered_target(self):
        self.run_ok(
            'const opened: string[] = [];\n'
            'host.registerTarget("medflow.test.echo", (ch, data, buffers) => {\n'
            '  opened.push(JSON.stringify(data) + " " + buffers.map(b => b.length).join(","));\n'
            '  ch.onMessage((d, bufs) => ch.send({ got: d }, bufs));\n'
            '});')
        comm_id = 'frontend-comm-1'
        self.send_shell('comm_open', {'comm_id': comm_id, 'target_name': 'medflow.test.echo',
                                      'data': {'hello': 'kernel'}}, buffers=[b'abcd'])
        self.send_shell('comm_msg', {'comm_id': comm_id, 'data': {'n': 1}}, buffers=[b'\x00' * 5])
        reply = self.next_iopub('comm_msg', comm_id)
        self.assertEqual(reply['content']['data'], {'got': {'n': 1}})
        self.assertEqual([bytes(b) for b in reply['buffers']], [b'\x00' * 5])
        self.assertEqual(self.comm_info('medflow.test.echo'),
                         {comm_id: {'target_name': 'medflow.test.echo'}})
        _, outputs = self.run_ok('opened')
        results = [m for m in outputs if m['msg_type'] == 'execute_result']
        self.assertEqual(results[0]['content']['data']['text/plain'], '[ \'{"hello":"kernel"} 4\' ]')

    def test_comm_open_to_an_unknown_target_is_closed_and_logged(self):
        self.send_shell('comm_open', {'comm_id': 'nobody-home', 'target_name': 'medflow.nope',
                                      'data': {}})
        closed = self.next_iopub('comm_close', 'nobody-home')
        self.assertEqual(closed['content']['data'], {})
        self.assertIn("no comm target 'medflow.nope' registered",
                      self.log.wait_for('medflow.nope'))

    def test_malformed_and_unknown_comm_messages_are_logged_not_fatal(self):
        self.send_shell('comm_msg', {'comm_id': 'no-such-comm', 'data': {'x': 1}})
        self.send_shell('comm_msg', {'data': {'x': 1}})
        self.send_shell('comm_msg', {'comm_id': 42})
        self.send_shell('comm_close', {'comm_id': 'also-unknown'})
        self.send_shell('comm_open', {'comm_id': 'bad-data', 'target_name': 'x', 'data': [1, 2]})
        self.send_shell('comm_open', {'comm_id': 'no-target', 'data': {}})
        log = self.log.wait_for('target_name missing')
        self.assertIn('comm_msg from session %s' % self.kc.session.session, log)
        self.assertIn('for unknown comm id no-such-comm', log)
        self.assertIn('comm_id missing or not a string', log)
        self.assertIn('comm_close', log)
        self.assertIn('for unknown comm id also-unknown', log)
        self.assertIn('data of comm bad-data is not a JSON object', log)
        self.assertTrue(self.km.is_alive())
        _, outputs = self.run_ok('console.log("still serving")')
        self.assertEqual(stream_text(outputs), 'still serving\n')

    def test_a_failing_handler_is_reported_in_its_cell(self):
        cell = self.kc.execute(
            'const fragile = host.open("medflow.test.fragile");\n'
            'fragile.onMessage(() => { throw new Error("handler broke"); });')
        self.seen.extend(collect(self.kc, cell)[1])
        opened = self.next_iopub('comm_open')
        self.send_shell('comm_msg', {'comm_id': opened['content']['comm_id'], 'data': {}})
        printed = self.next_iopub('stream')
        self.assertEqual(printed['content']['name'], 'stderr')
        self.assertIn('handler broke', printed['content']['text'])
        self.assertEqual(printed['parent_header']['msg_id'], cell)
        self.assertIn('handler broke', self.log.wait_for('handler broke'))
        self.run_ok('1')


if __name__ == '__main__':
    unittest.main()
