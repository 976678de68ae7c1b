"""Start-up time, trivial execute latency and idle memory of the medflow kernel.

Run: /usr/bin/python3 kernel/tests/measure_kernel.py [notebook dir]
"""
import os
import statistics
import sys
import tempfile
import time

from kernel_harness import execute, start_kernel, stop_kernel


def rss_mib(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
    return float('nan')


def main():
    cwd = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix='medflow-measure-')
    t0 = time.monotonic()
    km, kc = start_kernel(cwd=cwd)  # returns after the first kernel_info_reply
    started = time.monotonic() - t0
    try:
        execute(kc, '1 + 1')  # the first cell warms the compiler
        times = []
        for _ in range(20):
            t = time.monotonic()
            execute(kc, '1 + 1')
            times.append(time.monotonic() - t)
        time.sleep(2)
        pid = km.provisioner.process.pid
        print('notebook dir: %s' % cwd)
        print('start to first kernel_info_reply: %.2f s' % started)
        print('trivial execute (1 + 1), median of 20: %.1f ms' % (statistics.median(times) * 1000))
        print('idle RSS: %.0f MiB' % rss_mib(pid))
    finally:
        stop_kernel(km, kc)


if __name__ == '__main__':
    main()
