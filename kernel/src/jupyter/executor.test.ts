import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CellRunner, createCellRunner } from './executor';

/**
 * The cell runner on tslab's real converter and executor: outcomes of cells, declarations
 * carried across cells, and a bare specifier aliased to a package outside any node_modules
 * (how `import * as mf from "medflow"` works wherever the notebook lives).
 */
let runner: CellRunner;
let pkg: string;
const shown: unknown[] = [];

beforeAll(() => {
  pkg = mkdtempSync(path.join(tmpdir(), 'medflow-alias-'));
  mkdirSync(path.join(pkg, 'lib'));
  writeFileSync(
    path.join(pkg, 'package.json'),
    // Its own manifest points elsewhere: the alias's typesEntry decides.
    JSON.stringify({ name: 'aliased-engine', main: 'other.js', types: 'other.d.ts' })
  );
  writeFileSync(
    path.join(pkg, 'lib', 'index.js'),
    'exports.scale = (xs, k) => xs.map(x => x * k);\nexports.NAME = "engine-under-tmp";\n'
  );
  writeFileSync(
    path.join(pkg, 'lib', 'index.d.ts'),
    'export declare function scale(xs: number[], k: number): number[];\nexport declare const NAME: string;\n'
  );
  runner = createCellRunner({
    aliases: [
      {
        specifier: 'aliased-engine',
        packageDir: pkg,
        typesEntry: 'lib/index.d.ts',
        runtimeEntry: path.join(pkg, 'lib', 'index.js')
      }
    ],
    prelude: 'declare global { function show(value: unknown): void; }\n',
    locals: { show: (v: unknown) => shown.push(v) }
  });
});

afterAll(() => {
  runner.close();
  rmSync(pkg, { recursive: true, force: true });
});

it('returns the last expression value and carries declarations to later cells', async () => {
  expect(
    await runner.execute('let total = 40; function add(a: number, b: number) { return a + b; }')
  ).toEqual({
    kind: 'ok',
    hasValue: false,
    value: undefined
  });
  expect(await runner.execute('add(total, 2)')).toMatchObject({
    kind: 'ok',
    hasValue: true,
    value: 42
  });
});

it('reports type errors with their position instead of running the cell', async () => {
  const outcome = await runner.execute('let n: number = 1;\nn = "text";');
  expect(outcome.kind).toBe('diagnostics');
  if (outcome.kind !== 'diagnostics') return;
  expect(outcome.diagnostics[0].start.line).toBe(1);
  expect(outcome.diagnostics[0].messageText).toMatch(/not assignable to type 'number'/);
});

it('returns the thrown error object of a failing cell', async () => {
  const outcome = await runner.execute('throw new RangeError("out of range")');
  expect(outcome.kind).toBe('thrown');
  if (outcome.kind === 'thrown') expect((outcome.error as Error).message).toBe('out of range');
});

it('awaits top-level await', async () => {
  expect(await runner.execute('await new Promise(r => setTimeout(r, 20)); "later"')).toMatchObject({
    value: 'later'
  });
});

it('type-checks and runs an aliased bare import from any directory', async () => {
  const outcome = await runner.execute(
    'import * as eng from "aliased-engine";\neng.scale([1, 2], 3).concat(eng.NAME.length)'
  );
  expect(outcome).toMatchObject({ kind: 'ok', value: [3, 6, 16] });
  const wrong = await runner.execute('import * as eng2 from "aliased-engine";\neng2.scale("x", 1)');
  expect(wrong.kind).toBe('diagnostics');
});

it('gives cells the prelude globals, typed', async () => {
  expect((await runner.execute('show({ a: 1 })')).kind).toBe('ok');
  expect(shown).toEqual([{ a: 1 }]);
  expect((await runner.execute('show()')).kind).toBe('diagnostics');
});

it('completes names from earlier cells and inspects them', () => {
  const code = 'tot';
  const info = runner.complete(code, code.length);
  expect(info.candidates).toContain('total');
  expect(info.start).toBe(0);
  const quick = runner.inspect('add', 1);
  expect(quick?.displayParts?.map(p => p.text).join('')).toMatch(
    /function add\(a: number, b: number\): number/
  );
});
