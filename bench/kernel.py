"""Kernel start-up and latency, medflow side by side with ipykernel, in one run.

Run: npm run bench:kernel   (after `npm run build:kernel`)
     /usr/bin/python3 bench/kernel.py [--runs N] [--notebook-dir DIR]

For each kernel, through Debian's jupyter_client as Jupyter drives them:
  - launch -> kernel_info_reply: from starting the process to the first reply (median of runs)
  - launch -> first execute reply: until a first cell `1 + 1` has run (medflow warms its
    TypeScript converter in the background after answering kernel_info)
  - trivial execute round trip: `1 + 1`, request to execute_reply, median of 30 (warm)
  - 200 small executes in a row: each waits for its reply, total time
The notebook directory is this repository by default (the worst case for the type checker:
node_modules/@types with dozens of packages); pass --notebook-dir to choose another.
"""
import argparse
import os
import statistics
import sys
import time
from queue import Empty

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, 'kernel', 'tests'))

from jupyter_client.manager import KernelManager  # noqa: E402

from kernel_harness import KERNEL_NAME, write_kernelspec  # noqa: E402

TRIVIAL = '1 + 1'


def wait_shell_reply(kc, msg_id, timeout=60):
    """The shell reply to msg_id. (iopub may still be joining right after launch: ZeroMQ drops
    what a PUB socket sends before the subscriber is connected, so only shell is waited on.)"""
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply['parent_header'].get('msg_id') == msg_id:
            return reply


def drain_iopub(kc):
    while True:
        try:
            kc.get_iopub_msg(timeout=0.2)
        except Empty:
            return


def execute_reply_time(kc, code):
    t = time.perf_counter()
    msg_id = kc.execute(code)
    while True:
        reply = kc.get_shell_msg(timeout=60)
        if reply['parent_header'].get('msg_id') == msg_id:
            elapsed = time.perf_counter() - t
            break
    assert reply['content']['status'] == 'ok', reply['content']
    # Drain this cell's iopub messages outside the timed part.
    while True:
        msg = kc.get_iopub_msg(timeout=60)
        if (msg['parent_header'].get('msg_id') == msg_id and msg['msg_type'] == 'status'
                and msg['content']['execution_state'] == 'idle'):
            return elapsed


def one_start(kernel_name, cwd):
    """(launch -> kernel_info_reply, launch -> first execute reply, km, kc)."""
    km = KernelManager(kernel_name=kernel_name)
    t0 = time.perf_counter()
    km.start_kernel(cwd=cwd)
    kc = km.client()
    kc.start_channels()
    # Sent at once: ZeroMQ queues it until the kernel has bound its sockets.
    msg_id = kc.kernel_info()
    while True:
        reply = kc.get_shell_msg(timeout=60)
        if reply['parent_header'].get('msg_id') == msg_id:
            break
    info = time.perf_counter() - t0
    msg_id = kc.execute(TRIVIAL)
    wait_shell_reply(kc, msg_id)
    first = time.perf_counter() - t0
    drain_iopub(kc)
    return info, first, km, kc


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def measure(kernel_name, cwd, runs):
    infos, firsts = [], []
    for i in range(runs):
        info, first, km, kc = one_start(kernel_name, cwd)
        infos.append(info)
        firsts.append(first)
        if i < runs - 1:
            stop(km, kc)
    try:
        for _ in range(5):
            execute_reply_time(kc, TRIVIAL)
        trips = [execute_reply_time(kc, TRIVIAL) for _ in range(30)]
        t = time.perf_counter()
        for i in range(200):
            execute_reply_time(kc, 'const v%d = %d' % (i, i) if kernel_name == KERNEL_NAME
                               else 'v%d = %d' % (i, i))
        burst = time.perf_counter() - t
    finally:
        stop(km, kc)
    return {
        'launch -> kernel_info_reply': (statistics.median(infos), 's'),
        'launch -> first execute reply': (statistics.median(firsts), 's'),
        'trivial execute round trip': (statistics.median(trips) * 1000, 'ms'),
        '200 small executes in a row': (burst, 's'),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=3, help='start-ups per kernel (median)')
    parser.add_argument('--notebook-dir', default=REPO)
    args = parser.parse_args()
    write_kernelspec()
    results = {}
    for label, name in (('medflow', KERNEL_NAME), ('ipykernel', 'python3')):
        print('measuring %s ...' % label, file=sys.stderr, flush=True)
        results[label] = measure(name, args.notebook_dir, args.runs)

    print('\nnotebook dir: %s, %d start-ups per kernel, %d CPUs' % (
        args.notebook_dir, args.runs, os.cpu_count()))
    head = '| %-31s | %10s | %10s | %8s |' % ('', 'medflow', 'ipykernel', 'ratio')
    print(head)
    print('|' + '-' * 33 + '|' + '-' * 12 + '|' + '-' * 12 + '|' + '-' * 10 + '|')
    for metric, (ours, unit) in results['medflow'].items():
        theirs = results['ipykernel'][metric][0]
        print('| %-31s | %7.2f %-2s | %7.2f %-2s | %7.2fx |' % (
            metric, ours, unit, theirs, unit, ours / theirs))


if __name__ == '__main__':
    main()
