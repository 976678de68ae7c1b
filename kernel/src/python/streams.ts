/**
 * Coalesces the worker's many small writes (print sends text and newline separately) into
 * fewer stream outputs, without reordering: text is held for at most a few milliseconds and
 * is flushed whenever the stream name or the destination changes.
 */
import type { PythonIO } from './worker';

const HOLD_MS = 15;

export class StreamCoalescer {
  private io: PythonIO | null = null;
  private name: 'stdout' | 'stderr' = 'stdout';
  private text = '';
  private timer: NodeJS.Timeout | null = null;

  write(io: PythonIO, name: 'stdout' | 'stderr', text: string): void {
    if (!text) return;
    if (this.text && (io !== this.io || name !== this.name)) this.flush();
    this.io = io;
    this.name = name;
    this.text += text;
    if (this.text.length > 64 * 1024) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), HOLD_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const { io, name, text } = this;
    this.text = '';
    if (!io || !text) return;
    try {
      io[name](text);
    } catch (error) {
      // Runs from pipe callbacks: a failing sink must not become an uncaught exception.
      process.stderr.write(`medflow: lost Python ${name} output: ${(error as Error).message}\n`);
    }
  }
}
