import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultHistoryFile, globToRegExp, HistoryStore } from './history';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medflow-history-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('keeps cells of successive sessions in one file, numbered 1, 2, …', () => {
  const file = path.join(dir, 'sub', 'history.jsonl');
  const first = new HistoryStore(file);
  first.record(1, 'const a = 1;');
  first.record(2, 'a + 1', '2');
  const second = new HistoryStore(file);
  second.record(1, 'a * 10', '10');
  expect(second.tail(10, false)).toEqual([
    [1, 1, 'const a = 1;'],
    [1, 2, 'a + 1'],
    [2, 1, 'a * 10']
  ]);
  expect(second.tail(2, true)).toEqual([
    [1, 2, ['a + 1', '2']],
    [2, 1, ['a * 10', '10']]
  ]);
  // 0 is the current session, -1 the one before; stop is exclusive.
  expect(second.range(0, 1, undefined, false)).toEqual([[2, 1, 'a * 10']]);
  expect(second.range(-1, 1, 2, false)).toEqual([[1, 1, 'const a = 1;']]);
  expect(first.range(1, 2, 3, true)).toEqual([[1, 2, ['a + 1', '2']]]);
});

it('searches with globs over whole sources, the last n, unique', () => {
  const store = new HistoryStore(path.join(dir, 'h.jsonl'));
  ['train(1)', 'train(2)', 'eval()', 'train(1)'].forEach((code, i) => store.record(i + 1, code));
  expect(store.search('train*', undefined, false, false).map(h => h[2])).toEqual([
    'train(1)',
    'train(2)',
    'train(1)'
  ]);
  expect(store.search('train*', undefined, true, false).map(h => h[1])).toEqual([2, 4]);
  expect(store.search('train(?)', 1, false, false).map(h => h[1])).toEqual([4]);
  expect(store.search('rain*', undefined, false, false)).toEqual([]);
});

it('skips a line cut short by a crash and tolerates a missing file', () => {
  const file = path.join(dir, 'h.jsonl');
  expect(new HistoryStore(file).tail(5, false)).toEqual([]);
  const store = new HistoryStore(file);
  store.record(1, 'ok');
  fs.appendFileSync(file, '{"s": "x", "n": 2, "i": "cut sh');
  expect(store.tail(5, false)).toEqual([[1, 1, 'ok']]);
});

it('translates glob syntax like SQLite GLOB', () => {
  expect(globToRegExp('a*b').test('a\nxx b')).toBe(true);
  expect(globToRegExp('[ab]?').test('bz')).toBe(true);
  expect(globToRegExp('[^ab]').test('a')).toBe(false);
  expect(globToRegExp('x.y+(z)').test('x.y+(z)')).toBe(true);
  expect(globToRegExp('x.y').test('xzy')).toBe(false);
  expect(globToRegExp('A*').test('abc')).toBe(false);
});

it('lives under the Jupyter data dir', () => {
  const saved = process.env.JUPYTER_DATA_DIR;
  process.env.JUPYTER_DATA_DIR = dir;
  try {
    expect(defaultHistoryFile()).toBe(path.join(dir, 'medflow', 'history.jsonl'));
  } finally {
    if (saved === undefined) delete process.env.JUPYTER_DATA_DIR;
    else process.env.JUPYTER_DATA_DIR = saved;
  }
});
