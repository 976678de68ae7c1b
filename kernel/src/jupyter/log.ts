import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/**
 * Kernel-side diagnostics. They go to the real stderr of the process, which the Jupyter server
 * shows in its log — never to iopub, where they would appear in a user's notebook. The write
 * function is captured at load time, before output routing hooks process.stderr; threads
 * write to file descriptor 2 directly (their process.stderr is relayed through the main
 * thread's, which output routing hooks).
 */
const rawStderrWrite = process.stderr.write.bind(process.stderr);

export function log(message: string): void {
  const line = `[medflow kernel] ${message}\n`;
  if (isMainThread) rawStderrWrite(line);
  else writeSync(2, line);
}
