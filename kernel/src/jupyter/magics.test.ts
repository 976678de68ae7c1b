import { cellMagic } from './magics';
import { pagerRequest } from './pager';
import { restrictAutomaticTypes } from './typeRoots';

it('recognises %%python cells, keeping line numbers of the body', () => {
  expect(cellMagic('%%python\nx = 1\nprint(x)')).toEqual({
    kind: 'python',
    code: '\nx = 1\nprint(x)'
  });
  expect(cellMagic('%%python module hu_window\nclass W: pass')).toEqual({
    kind: 'python-module',
    name: 'hu_window',
    code: '\nclass W: pass'
  });
  expect(cellMagic('%%python')).toEqual({ kind: 'python', code: '\n' });
  expect(cellMagic('const a = 1 % 2;')).toBeUndefined();
  expect(cellMagic('%%bash\nls')).toMatchObject({ kind: 'unknown' });
  expect(cellMagic('%%python modul x')).toMatchObject({ kind: 'unknown' });
});

it('recognises name? pager requests only', () => {
  expect(pagerRequest('Math.max?')).toEqual({ code: 'Math.max', cursor: 8 });
  expect(pagerRequest('  mf . train ??\n')).toEqual({ code: 'mf.train', cursor: 8 });
  expect(pagerRequest('a ? b : c')).toBeUndefined();
  expect(pagerRequest('x?.y')).toBeUndefined();
});

it('lists only the kept packages of @types folders', () => {
  const sys = {
    getDirectories: (p: string) => (/@types\/?$/.test(p) ? ['jest', 'node', 'react'] : ['a', 'b'])
  };
  restrictAutomaticTypes(sys);
  expect(sys.getDirectories('/p/node_modules/@types')).toEqual(['node']);
  expect(sys.getDirectories('/p/node_modules/@types/')).toEqual(['node']);
  expect(sys.getDirectories('/p/node_modules')).toEqual(['a', 'b']);
});
