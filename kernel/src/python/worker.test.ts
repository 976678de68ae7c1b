/**
 * The Python worker against the real /usr/bin/python3: state between cells, streamed output in
 * order, tracebacks, interrupt, crash and restart.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PythonWorker, type PythonIO } from './index';

/** Records output as a list of [stream, text, ms since start] chunks. */
function recorder(): PythonIO & { chunks: Array<[string, string, number]>; text(): string } {
  const t0 = Date.now();
  const chunks: Array<[string, string, number]> = [];
  return {
    chunks,
    stdout: text => chunks.push(['stdout', text, Date.now() - t0]),
    stderr: text => chunks.push(['stderr', text, Date.now() - t0]),
    text: () => chunks.map(c => c[1]).join('')
  };
}

let worker: PythonWorker;
beforeAll(() => {
  worker = new PythonWorker({ interruptGraceMs: 3000 });
});
afterAll(() => worker.dispose());

describe('PythonWorker', () => {
  it('keeps state between cells and prints the last expression like the interpreter', async () => {
    const io = recorder();
    expect(await worker.run('import numpy as np\nx = np.arange(6).reshape(2, 3)', io)).toBeNull();
    expect(await worker.run('y = int(x.sum())\nprint("sum", y)', io)).toBeNull();
    expect(await worker.run('x.shape', io)).toBeNull();
    expect(io.text()).toBe('sum 15\n(2, 3)\n');
  });

  it('streams stdout and stderr in order while the cell runs', async () => {
    const io = recorder();
    const code = [
      'import sys, time',
      'print("one")',
      'print("two", file=sys.stderr)',
      'print("three")',
      'time.sleep(0.6)',
      'print("four", file=sys.stderr)'
    ].join('\n');
    const started = Date.now();
    expect(await worker.run(code, io)).toBeNull();
    const took = Date.now() - started;
    const merged: Array<[string, string]> = [];
    for (const [name, text] of io.chunks) {
      const last = merged[merged.length - 1];
      if (last && last[0] === name) last[1] += text;
      else merged.push([name, text]);
    }
    expect(merged).toEqual([
      ['stdout', 'one\n'],
      ['stderr', 'two\n'],
      ['stdout', 'three\n'],
      ['stderr', 'four\n']
    ]);
    // "one" arrived well before the cell ended, not with the reply.
    const first = io.chunks[0][2];
    expect(took - first).toBeGreaterThan(400);
  });

  it('delivers a print loop of 100 000 lines complete, in order and in few messages', async () => {
    const io = recorder();
    const started = Date.now();
    expect(await worker.run('for i in range(100000): print(i)', io)).toBeNull();
    const took = Date.now() - started;
    const expected = Array.from({ length: 100000 }, (_, i) => `${i}\n`).join('');
    expect(io.text()).toBe(expected);
    expect(io.chunks.length).toBeLessThan(1000);
    process.stdout.write(`100 000 prints: ${took} ms in ${io.chunks.length} stream outputs\n`);
  });

  it('forwards output written below Python (file descriptor 1)', async () => {
    const io = recorder();
    expect(await worker.run('import os\nos.system("echo from-a-subprocess")', io)).toBeNull();
    expect(io.text()).toContain('from-a-subprocess\n');
  });

  it('returns Python exceptions with the traceback as Python prints it', async () => {
    const io = recorder();
    const error = await worker.run('def f(v):\n    return 1 / v\n\nf(0)', io);
    expect(error).not.toBeNull();
    expect(error!.ename).toBe('ZeroDivisionError');
    expect(error!.evalue).toBe('division by zero');
    expect(error!.traceback[0]).toBe('Traceback (most recent call last):');
    expect(error!.traceback).toContain('    return 1 / v');
    expect(error!.traceback[error!.traceback.length - 1]).toBe(
      'ZeroDivisionError: division by zero'
    );
    // No frame of the worker itself.
    expect(error!.traceback.join('\n')).not.toContain('medflow_worker.py');
    // The state survives the error.
    expect(await worker.run('print(y)', io)).toBeNull();
  });

  it('reports syntax errors with the offending line', async () => {
    const error = await worker.run('x = (1,\nprint(x', recorder());
    expect(error!.ename).toBe('SyntaxError');
    expect(error!.traceback.join('\n')).toMatch(/File "<cell \d+>", line 2\n {4}print\(x\n/);
  });

  it('interrupts `while True: pass` with KeyboardInterrupt and keeps the state', async () => {
    const io = recorder();
    const running = worker.run('print("looping")\nwhile True:\n    pass', io);
    await new Promise(r => setTimeout(r, 500));
    worker.interrupt();
    const error = await running;
    expect(error!.ename).toBe('KeyboardInterrupt');
    expect(io.text()).toBe('looping\n');
    expect(await worker.run('print(y)', io)).toBeNull();
    expect(io.text()).toBe('looping\n15\n');
  });

  it('takes a double SIGINT (process group + kernel, as Jupyter signal mode) as one interrupt', async () => {
    const io = recorder();
    await worker.run('counter = 41', io);
    const running = worker.run('while True:\n    pass', io);
    await new Promise(r => setTimeout(r, 300));
    process.kill(worker.pid!, 'SIGINT');
    worker.interrupt();
    expect((await running)!.ename).toBe('KeyboardInterrupt');
    expect(await worker.run('print(counter + 1)', io)).toBeNull();
    expect(io.text()).toBe('42\n');
  });

  it('interrupts through an AbortSignal (time.sleep)', async () => {
    const controller = new AbortController();
    const running = worker.run('import time\ntime.sleep(30)', recorder(), controller.signal);
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    expect((await running)!.ename).toBe('KeyboardInterrupt');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reports a crashed worker (os._exit) and restarts it on the next use', async () => {
    const before = worker.generation;
    const error = await worker.run('import os\nos._exit(1)', recorder());
    expect(error!.ename).toBe('PythonWorkerDied');
    expect(error!.evalue).toContain('exit code 1');
    expect(error!.evalue).toContain('state');
    const io = recorder();
    expect(await worker.run('print("back", "y" in dir())', io)).toBeNull();
    expect(io.text()).toBe('back False\n');
    expect(worker.generation).toBe(before + 1);
  });

  it('reports a segfault, with the crash report, and restarts', async () => {
    const io = recorder();
    const error = await worker.run('import ctypes\nctypes.string_at(0)', io);
    expect(error!.ename).toBe('PythonWorkerDied');
    expect(error!.evalue).toContain('SIGSEGV');
    expect(io.text()).toContain('Segmentation fault');
    expect(await worker.run('z = 1', recorder())).toBeNull();
  });

  it('kills and replaces a worker that ignores the interrupt', async () => {
    const running = worker.run(
      'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: time.sleep(0.05)',
      recorder()
    );
    await new Promise(r => setTimeout(r, 400));
    worker.interrupt();
    const error = await running;
    expect(error!.ename).toBe('PythonWorkerDied');
    expect(error!.evalue).toContain('did not stop');
    expect(await worker.run('z = 2', recorder())).toBeNull();
  });

  it('replaces a worker whose reply pipe was written to by user code', async () => {
    const error = await worker.run(
      'import os\nos.write(4, b"\\x05\\x00\\x00\\x00{oops")\nimport time\ntime.sleep(5)',
      recorder()
    );
    expect(error!.ename).toBe('PythonWorkerDied');
    expect(error!.evalue).toContain('protocol error');
    expect(await worker.run('z = 4', recorder())).toBeNull();
  });

  it('survives sys.exit() in a cell', async () => {
    const error = await worker.run('import sys\nsys.exit(3)', recorder());
    expect(error!.ename).toBe('SystemExit');
    expect(await worker.run('z = 3', recorder())).toBeNull();
  });

  it('restart() clears the state', async () => {
    await worker.run('kept = 1', recorder());
    await worker.restart();
    const error = await worker.run('kept', recorder());
    expect(error!.ename).toBe('NameError');
  });

  it('says clearly when the interpreter lacks numpy or does not exist', async () => {
    const missing = new PythonWorker({ python: '/nonexistent/python3' });
    const error = await missing.run('1', recorder());
    expect(error!.ename).toBe('PythonWorkerError');
    expect(error!.evalue).toContain('/nonexistent/python3');
    expect(error!.evalue).toContain('MEDFLOW_PYTHON');
    await missing.dispose();
    // Python without site-packages (-S) cannot see Debian's numpy: a real numpy-less interpreter.
    const dir = mkdtempSync(path.join(tmpdir(), 'medflow-nonumpy-'));
    const python = path.join(dir, 'python');
    writeFileSync(python, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n', { mode: 0o755 });
    const noNumpy = new PythonWorker({ python });
    const why = await noNumpy.run('1', recorder());
    expect(why!.evalue).toContain('needs numpy');
    expect(why!.evalue).toContain("No module named 'numpy'");
    await noNumpy.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
});
