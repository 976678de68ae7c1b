/**
 * Every module against OpenCV / scikit-image: the cases of ./cases.ts run here and in
 * ./reference.py (one Python process for all), and each output must match in shape, dtype
 * and values within the case's documented tolerance.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseNpy, writeNpy } from '../../data/npy';
import type { DataDict } from '../../data/datadict';
import type { NDArray } from '../../data/ndarray';
import { PYTHON } from '../../testing/python';
import { applyModule, listModules, validateParams } from '../registry';
import { CASES, type ReferenceCase } from './cases';
import { referenceInputs, type InputName } from './inputs';

const SCRIPT = path.join(__dirname, 'reference.py');

interface Outcome {
  ours: NDArray;
  ref: NDArray;
}

const outcomes = new Map<string, Outcome>();
let dir: string;

function caseId(c: ReferenceCase, input: InputName): string {
  return `${c.module}-${CASES.indexOf(c)}-${input}`;
}

beforeAll(async () => {
  const inputs = await referenceInputs();
  dir = mkdtempSync(path.join(tmpdir(), 'medflow-ref-'));
  const files: Record<string, string> = {};
  for (const [name, data] of Object.entries(inputs)) {
    files[name] = path.join(dir, `${name}.npy`);
    writeFileSync(files[name], writeNpy(data.image.array));
  }
  const jobs: { id: string; module: string; params: Record<string, unknown>; input: string }[] = [];
  const ours = new Map<string, DataDict>();
  for (const c of CASES) {
    const params = validateParams(c.module, c.params);
    for (const input of c.inputs) {
      const id = caseId(c, input);
      jobs.push({ id, module: c.module, params, input: files[input] });
      ours.set(id, applyModule(c.module, inputs[input], params)!);
    }
  }
  writeFileSync(path.join(dir, 'cases.json'), JSON.stringify(jobs));
  execFileSync(PYTHON, [SCRIPT, path.join(dir, 'cases.json'), dir], { stdio: 'pipe' });
  for (const job of jobs) {
    const ref = parseNpy(readFileSync(path.join(dir, `${job.id}.npy`)), job.id);
    outcomes.set(job.id, { ours: ours.get(job.id)!.image.array, ref });
  }
}, 120000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NUMPY_DTYPE: Record<string, string> = { bool: 'uint8' };

test('every module of the catalog has reference cases', () => {
  const tested = new Set(CASES.map(c => c.module));
  const untested = listModules()
    .filter(m => m.category !== 'Augmentation')
    .map(m => m.name)
    .filter(n => !tested.has(n));
  expect(untested).toEqual([]);
});

test.each(CASES.flatMap(c => c.inputs.map(input => [caseId(c, input), c, input] as const)))(
  '%s matches the reference',
  (id, c) => {
    const { ours, ref } = outcomes.get(id)!;
    expect(ours.shape).toEqual(
      ref.shape.length === 3 && ref.shape[2] === 1 ? ref.shape.slice(0, 2) : ref.shape
    );
    expect(NUMPY_DTYPE[ours.dtype] ?? ours.dtype).toBe(ref.dtype);
    const a = ours.data as ArrayLike<number>;
    const b = ref.data as ArrayLike<number>;
    let over = 0;
    let worst = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - b[i]);
      // Relative for large float values (Sobel/Laplacian sums), absolute otherwise.
      const excess = ours.dtype.startsWith('float') ? d / Math.max(1, Math.abs(b[i])) : d;
      if (excess > c.tol) over++;
      worst = Math.max(worst, excess);
    }
    const allowed = Math.floor((c.mismatch ?? 0) * a.length);
    if (over > allowed) {
      throw new Error(
        `${id}: ${over} of ${a.length} values differ by more than ${c.tol} (worst ${worst}); ` +
          `allowed ${allowed}${c.why ? ` — ${c.why}` : ''}`
      );
    }
  }
);
