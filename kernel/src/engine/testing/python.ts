/**
 * Test support: runs a reference computation in Debian's Python (/usr/bin/python3 with numpy,
 * OpenCV, scikit-learn) and returns its JSON output. Arrays travel as .npy files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeNpy } from '../data/npy';
import type { NDArray } from '../data/ndarray';

export const PYTHON = process.env.MEDFLOW_PYTHON ?? '/usr/bin/python3';

/**
 * Runs `script` with the given arrays saved as .npy files; the script finds their paths in the
 * dict `files` (name -> path) and must print one JSON document.
 */
export function runPython<T>(script: string, arrays: Record<string, NDArray> = {}): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'medflow-py-'));
  try {
    const files: Record<string, string> = {};
    for (const [name, array] of Object.entries(arrays)) {
      files[name] = path.join(dir, `${name}.npy`);
      writeFileSync(files[name], writeNpy(array));
    }
    const prelude = `import json, sys\nfiles = json.loads(sys.argv[1])\n`;
    const out = execFileSync(PYTHON, ['-c', prelude + script, JSON.stringify(files)], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024
    });
    return JSON.parse(out) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a Python script that writes files into a fresh directory; returns the directory. */
export function pythonMakeFiles(script: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'medflow-py-'));
  execFileSync(PYTHON, ['-c', `import sys\nout = sys.argv[1]\n` + script, dir], {
    encoding: 'utf8'
  });
  return dir;
}
