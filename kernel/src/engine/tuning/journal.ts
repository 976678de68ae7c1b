/**
 * A study on disk: an append-only JSON-lines journal. The first line holds the study document;
 * every later line is one event (a trial's new state, or the study's status). Each append is
 * flushed with fsync before the study goes on, so a crash loses at most the line being written;
 * a torn last line (a crash in the middle of a write) is ignored when reading.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  truncateSync,
  writeSync
} from 'node:fs';
import * as path from 'node:path';
import type { StudyDocument, StudyStatus, TrialRecord } from '../../../../schema/study';

export type JournalLine =
  | { type: 'study'; id: string; study: StudyDocument }
  | { type: 'trial'; trial: TrialRecord }
  | { type: 'status'; status: StudyStatus };

export interface JournalContents {
  /** A unique id of the study (job ids on Redis carry it). */
  id: string;
  study: StudyDocument;
  /** The latest record of each trial, in the order trials first appeared. */
  trials: TrialRecord[];
  status: StudyStatus;
}

/** Reads a journal; a torn last line is skipped, any other bad line is an error naming it. */
export function readJournal(file: string): JournalContents {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  // A complete journal ends with '\n': the last element is then empty.
  const complete = lines[lines.length - 1] === '';
  const parsed: JournalLine[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      parsed.push(JSON.parse(line) as JournalLine);
    } catch {
      if (i === lines.length - 1 && !complete) return; // torn by a crash mid-write
      throw new Error(`${file}:${i + 1}: not a JSON line of a study journal`);
    }
  });
  const head = parsed[0];
  if (!head || head.type !== 'study') {
    throw new Error(`${file}: not a study journal (the first line must hold the study)`);
  }
  const trials = new Map<string, TrialRecord>();
  let status: StudyStatus = 'idle';
  for (const line of parsed.slice(1)) {
    if (line.type === 'trial') trials.set(line.trial.id, line.trial);
    else if (line.type === 'status') status = line.status;
  }
  return { id: head.id, study: head.study, trials: [...trials.values()], status };
}

export class Journal {
  private fd: number;

  private constructor(readonly file: string) {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.fd = openSync(file, 'a');
  }

  /** Starts a new journal with the study line. */
  static create(file: string, id: string, study: StudyDocument): Journal {
    if (existsSync(file)) throw new Error(`${file} already exists`);
    const journal = new Journal(file);
    journal.append({ type: 'study', id, study });
    return journal;
  }

  /** Continues an existing journal; a torn last line is cut off first. */
  static open(file: string): Journal {
    const bytes = readFileSync(file);
    if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) {
      truncateSync(file, bytes.lastIndexOf(0x0a) + 1);
    }
    return new Journal(file);
  }

  append(line: JournalLine): void {
    writeSync(this.fd, JSON.stringify(line, finiteOnly) + '\n');
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** JSON has no NaN or Infinity: such metrics (e.g. AUC of a one-class split) are left out. */
function finiteOnly(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? undefined : value;
}
