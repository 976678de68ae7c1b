import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { userJupyterDataDir } from '../cli/paths';

/**
 * Input history of all medflow kernel sessions, as ipykernel keeps it in its history database:
 * every stored cell with its session number, line number (execution count), source and, when
 * it had a value, the value's text. One append-only JSON-lines file shared by all kernels of a
 * user, under the Jupyter data directory. Appends of one short line are atomic on local file
 * systems, so concurrent kernels interleave whole records.
 *
 * Records: `{"session": "<uuid>", "started": "<iso>"}` once per kernel session, then
 * `{"s": "<uuid>", "n": 3, "i": "<source>", "o": "<text>"?}` per cell. Session numbers are the
 * order of the session records in the file (1, 2, …): two kernels starting together still get
 * different numbers, with no lock.
 */

/** [session, line, input] or [session, line, [input, output]] as history_reply carries them. */
export type HistoryEntry = [number, number, string | [string, string | null]];

interface CellRecord {
  s: string;
  n: number;
  i: string;
  o?: string;
}

interface Parsed {
  sessions: Map<string, number>;
  cells: Array<{ session: number; line: number; input: string; output: string | null }>;
}

/** Outputs longer than this are cut: the history is for finding code again, not for data. */
const MAX_OUTPUT = 10_000;

export function defaultHistoryFile(): string {
  return (
    process.env.MEDFLOW_HISTORY_FILE || path.join(userJupyterDataDir(), 'medflow', 'history.jsonl')
  );
}

export class HistoryStore {
  private readonly sessionId = randomUUID();
  private sessionWritten = false;

  constructor(readonly file: string = defaultHistoryFile()) {}

  /** Store one executed cell. Failures to write are reported, never fatal to the cell. */
  record(line: number, input: string, output?: string): void {
    const cell: CellRecord = { s: this.sessionId, n: line, i: input };
    if (output !== undefined) cell.o = output.slice(0, MAX_OUTPUT);
    const lines: string[] = [];
    if (!this.sessionWritten) {
      // Written with the first cell, so kernels that never run a cell leave no trace.
      lines.push(JSON.stringify({ session: this.sessionId, started: new Date().toISOString() }));
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
    }
    lines.push(JSON.stringify(cell));
    fs.appendFileSync(this.file, lines.join('\n') + '\n');
    this.sessionWritten = true;
  }

  /** The last `n` cells over all sessions, oldest first. */
  tail(n: number, output: boolean): HistoryEntry[] {
    const cells = this.read().cells;
    return cells.slice(Math.max(0, cells.length - n)).map(c => entry(c, output));
  }

  /**
   * Lines [start, stop) of a session: 0 or absent is this kernel's session, negative numbers
   * count back from it (IPython's convention); stop absent or 0 means to the end.
   */
  range(session: number, start: number, stop: number | undefined, output: boolean) {
    const parsed = this.read();
    const current = parsed.sessions.get(this.sessionId) ?? parsed.sessions.size + 1;
    const wanted = session > 0 ? session : current + session;
    return parsed.cells
      .filter(c => c.session === wanted && c.line >= start && (!stop || c.line < stop))
      .map(c => entry(c, output));
  }

  /**
   * Cells whose source matches the glob `pattern` as a whole (`*`, `?`, `[...]`, like SQLite's
   * GLOB that ipykernel uses); the last `n` when given; with `unique`, each source once (its
   * latest run).
   */
  search(pattern: string, n: number | undefined, unique: boolean, output: boolean) {
    const re = globToRegExp(pattern);
    let found = this.read().cells.filter(c => re.test(c.input));
    if (unique) {
      const latest = new Map<string, number>();
      found.forEach((c, index) => latest.set(c.input, index));
      found = found.filter((c, index) => latest.get(c.input) === index);
    }
    if (n !== undefined && n > 0) found = found.slice(Math.max(0, found.length - n));
    return found.map(c => entry(c, output));
  }

  private read(): Parsed {
    const sessions = new Map<string, number>();
    const cells: Parsed['cells'] = [];
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { sessions, cells };
      throw err;
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue; // a line cut short by a crash: skip it, keep the rest
      }
      if (typeof rec.session === 'string') {
        if (!sessions.has(rec.session)) sessions.set(rec.session, sessions.size + 1);
      } else if (typeof rec.s === 'string' && typeof rec.n === 'number') {
        const session = sessions.get(rec.s);
        if (session === undefined) continue;
        cells.push({
          session,
          line: rec.n,
          input: String(rec.i ?? ''),
          output: typeof rec.o === 'string' ? rec.o : null
        });
      }
    }
    // Kernels running side by side interleave their records; order as ipykernel does.
    cells.sort((a, b) => a.session - b.session || a.line - b.line);
    return { sessions, cells };
  }
}

function entry(c: Parsed['cells'][number], output: boolean): HistoryEntry {
  return [c.session, c.line, output ? [c.input, c.output] : c.input];
}

/** A whole-string matcher for a glob pattern (case-sensitive, `*` also matches newlines). */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') re += '[\\s\\S]*';
    else if (ch === '?') re += '[\\s\\S]';
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      // `[^…]` negates, as in SQLite and in regular expressions.
      re += '[' + pattern.slice(i + 1, close).replace(/\\/g, '\\\\') + ']';
      i = close;
    } else re += ch.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp('^' + re + '$');
}
