import { currentCell, installStreamRouting, runInCell, type CellContext } from './output';
import { mimeBundleOf } from './display';
import type { Message } from './wire';

/** Output routing follows the async work a cell started, not "the newest cell". */
const seen: Array<{ cell: string; name: string; text: string }> = [];

function cell(id: string): CellContext {
  const request = { header: { msg_id: id } } as unknown as Message;
  return { request, controller: new AbortController() };
}

beforeAll(() => {
  installStreamRouting((c, name, text) => seen.push({ cell: c.request.header.msg_id, name, text }));
});

beforeEach(() => {
  seen.length = 0;
});

it('sends writes to the cell whose work made them, even after a later cell started', async () => {
  let releaseA!: () => void;
  const aDone = new Promise<void>(resolve => (releaseA = resolve));
  runInCell(cell('A'), () => {
    setTimeout(() => {
      process.stdout.write('late from A\n');
      releaseA();
    }, 30);
  });
  await runInCell(cell('B'), async () => {
    process.stderr.write('B starts\n');
    await aDone;
    process.stdout.write(Buffer.from('B ends ✓\n'));
  });
  expect(seen).toEqual([
    { cell: 'B', name: 'stderr', text: 'B starts\n' },
    { cell: 'A', name: 'stdout', text: 'late from A\n' },
    { cell: 'B', name: 'stdout', text: 'B ends ✓\n' }
  ]);
});

it('leaves writes outside any cell on the real streams', () => {
  expect(currentCell()).toBeUndefined();
  process.stdout.write('');
  expect(seen).toEqual([]);
});

it('keeps a multi-byte character split across two writes intact', () => {
  const bytes = Buffer.from('é');
  runInCell(cell('C'), () => {
    process.stdout.write(bytes.subarray(0, 1));
    process.stdout.write(bytes.subarray(1));
  });
  expect(seen.map(s => s.text).join('')).toBe('é');
});

it('builds MIME bundles: inspect text plus the value’s own bundle', () => {
  expect(mimeBundleOf([1, 'a'])).toEqual({ 'text/plain': "[ 1, 'a' ]" });
  const rich = { [Symbol.for('jupyter.mimebundle')]: () => ({ 'text/html': '<p>x</p>' }) };
  expect(mimeBundleOf(rich)['text/html']).toBe('<p>x</p>');
  expect(typeof mimeBundleOf(rich)['text/plain']).toBe('string');
});
