/**
 * Kernel-side diagnostics. They go to the real stderr of the process, which the Jupyter server
 * shows in its log — never to iopub, where they would appear in a user's notebook. The write
 * function is captured at load time, before output routing hooks process.stderr.
 */
const rawStderrWrite = process.stderr.write.bind(process.stderr);

export function log(message: string): void {
  rawStderrWrite(`[medflow kernel] ${message}\n`);
}

export { rawStderrWrite };
