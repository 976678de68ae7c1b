"""The kernel runs code only for holders of the connection file's key, on its address only."""
import os
import socket
import unittest

import zmq
from jupyter_client.session import Session

from kernel_harness import KernelLog, execute, start_kernel, stop_kernel, temp_dir


def listening_addresses(port):
    """Local addresses (ip, port) in LISTEN state for `port`, from /proc/net/tcp{,6}."""
    found = []
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        if not os.path.exists(table):
            continue
        with open(table) as f:
            next(f)
            for line in f:
                fields = line.split()
                local, state = fields[1], fields[3]
                hex_ip, hex_port = local.split(':')
                if state != '0A' or int(hex_port, 16) != port:
                    continue
                if len(hex_ip) == 8:
                    ip = socket.inet_ntop(socket.AF_INET, bytes.fromhex(hex_ip)[::-1])
                else:
                    raw = bytes.fromhex(hex_ip)
                    ip = socket.inet_ntop(socket.AF_INET6,
                                          b''.join(raw[i:i + 4][::-1] for i in range(0, 16, 4)))
                found.append(ip)
    return found


class ForgedMessagesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.log = KernelLog()
        cls.km, cls.kc = start_kernel(stderr=cls.log.file)
        cls.ctx = zmq.Context()

    @classmethod
    def tearDownClass(cls):
        stop_kernel(cls.km, cls.kc)
        cls.ctx.term()
        cls.log.close()

    def send_raw(self, channel, session, msg_type, content):
        """Send one message on `channel` from a fresh DEALER socket, signed by `session`."""
        info = self.km.get_connection_info()
        sock = self.ctx.socket(zmq.DEALER)
        sock.linger = 0
        sock.connect('tcp://%s:%d' % (info['ip'], info['%s_port' % channel]))
        session.send(sock, session.msg(msg_type, content))
        return sock

    def assert_still_serving(self):
        reply, outputs = execute(self.kc, '"alive"', timeout=20)
        self.assertEqual(reply['content']['status'], 'ok')

    def check_not_executed(self, channel, session, reason):
        before = self.log.text().count('dropped a message on %s: %s' % (channel, reason))
        marker = os.path.join(temp_dir('medflow-test-'), 'pwned')
        code = 'require("fs").writeFileSync(%r, "x")' % marker
        sock = self.send_raw(channel, session, 'execute_request', {
            'code': code, 'silent': False, 'store_history': True, 'user_expressions': {},
            'allow_stdin': False, 'stop_on_error': True})
        shutdown = self.send_raw(channel, session, 'shutdown_request', {'restart': False})
        # A kernel that accepted either would act within this time (execute takes ~20 ms).
        self.assertEqual(sock.poll(1500), 0, 'the kernel answered a forged request')
        self.assertEqual(shutdown.poll(100), 0, 'the kernel answered a forged shutdown')
        sock.close()
        shutdown.close()
        self.assertFalse(os.path.exists(marker), 'forged execute_request was executed')
        self.assertTrue(self.km.is_alive(), 'forged shutdown_request was obeyed')
        self.assert_still_serving()
        # Both forged messages were logged (the server log tells an admin what happened).
        logged = self.log.text().count('dropped a message on %s: %s' % (channel, reason))
        self.assertEqual(logged - before, 2, self.log.text())

    def test_wrong_key_on_shell(self):
        self.check_not_executed('shell', Session(key=b'not-the-key', signature_scheme='hmac-sha256'),
                                'invalid signature')

    def test_wrong_key_on_control(self):
        self.check_not_executed('control', Session(key=b'not-the-key', signature_scheme='hmac-sha256'),
                                'invalid signature')

    def test_unsigned_on_shell_and_control(self):
        unsigned = Session(key=b'')
        self.check_not_executed('shell', unsigned, 'missing signature')
        self.check_not_executed('control', unsigned, 'missing signature')

    def test_replayed_message_runs_once(self):
        # The same signed bytes sent twice: the copy is dropped.
        session = self.kc.session
        info = self.km.get_connection_info()
        sock = self.ctx.socket(zmq.DEALER)
        sock.linger = 0
        sock.connect('tcp://%s:%d' % (info['ip'], info['shell_port']))
        msg = session.msg('kernel_info_request', {})
        frames = session.serialize(msg)
        sock.send_multipart(frames)
        self.assertTrue(sock.poll(10000), 'no reply to the genuine message')
        sock.recv_multipart()
        sock.send_multipart(frames)
        self.assertEqual(sock.poll(1000), 0, 'the replayed message was answered')
        sock.close()

    def test_correctly_signed_raw_message_is_answered(self):
        # The same path as the forged tests, with the right key: proves they could succeed.
        sock = self.send_raw('shell', self.kc.session, 'kernel_info_request', {})
        self.assertTrue(sock.poll(10000), 'no reply to a correctly signed message')
        sock.close()


class BindAddressTest(unittest.TestCase):
    def test_sockets_bind_only_to_the_connection_file_ip(self):
        from jupyter_client.localinterfaces import public_ips
        km, kc = start_kernel(ip='127.0.0.1')
        try:
            info = km.get_connection_info()
            self.assertEqual(info['ip'], '127.0.0.1')
            # Another address of this machine: a wildcard bind would accept connections there.
            others = [ip for ip in public_ips() if ip not in ('127.0.0.1', '0.0.0.0', '')]
            for name in ('shell_port', 'control_port', 'iopub_port', 'stdin_port', 'hb_port'):
                port = info[name]
                self.assertEqual(listening_addresses(port), ['127.0.0.1'], name)
                for other in others[:1]:
                    with self.assertRaises(ConnectionRefusedError, msg=name):
                        socket.create_connection((other, port), timeout=2).close()
            reply, _ = execute(kc, '6 * 7')
            self.assertEqual(reply['content']['status'], 'ok')
        finally:
            stop_kernel(km, kc)


    def test_ipc_transport_binds_the_named_socket_files(self):
        from jupyter_client.manager import KernelManager
        from kernel_harness import KERNEL_NAME, write_kernelspec
        write_kernelspec()
        d = temp_dir('medflow-ipc-')
        km = KernelManager(kernel_name=KERNEL_NAME, transport='ipc', ip=os.path.join(d, 'k'))
        km.start_kernel(cwd=d)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            info = km.get_connection_info()
            expected = {'k-%d' % info[n] for n in
                        ('shell_port', 'control_port', 'iopub_port', 'stdin_port', 'hb_port')}
            self.assertEqual(set(os.listdir(d)) & expected, expected)
            reply, outputs = execute(kc, '"over ipc"')
            self.assertEqual(outputs[-1]['content']['data']['text/plain'], "'over ipc'")
        finally:
            stop_kernel(km, kc)


if __name__ == '__main__':
    unittest.main()
