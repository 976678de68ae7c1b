import { codePointToUtf16, isCompleteContent, utf16ToCodePoint } from './introspection';
import { compileErrorContent, thrownContent } from './errors';

it('tells complete, incomplete and invalid code apart', () => {
  expect(isCompleteContent('const a = 1;')).toEqual({ status: 'complete' });
  expect(isCompleteContent('function f() {')).toEqual({ status: 'incomplete', indent: '  ' });
  expect(isCompleteContent('const s = `first line\n').status).toBe('incomplete');
  expect(isCompleteContent('const = 3;')).toEqual({ status: 'invalid' });
  expect(isCompleteContent('1 +* 2')).toEqual({ status: 'invalid' });
});

it('converts Jupyter cursor positions (code points) to and from UTF-16 indices', () => {
  const code = '"🩻" + xs.le';
  expect(code.length).toBe(12);
  expect(codePointToUtf16(code, 11)).toBe(12);
  expect(utf16ToCodePoint(code, 12)).toBe(11);
  expect(codePointToUtf16('abc', 2)).toBe(2);
});

it('formats compile errors with 1-based line:column', () => {
  const content = compileErrorContent([
    {
      start: { offset: 20, line: 1, character: 6 },
      end: { offset: 21, line: 1, character: 7 },
      messageText: "Type 'string' is not assignable to type 'number'.",
      category: 1,
      code: 2322
    }
  ]);
  expect(content.ename).toBe('TypeScriptError');
  expect(content.traceback).toEqual([
    "2:7 - Type 'string' is not assignable to type 'number'. (TS2322)"
  ]);
});

it('keeps user frames and drops the kernel machinery from tracebacks', () => {
  const err = new TypeError('bad input');
  err.stack = [
    'TypeError: bad input',
    '    at load (evalmachine.<anonymous>:3:9)',
    '    at evalmachine.<anonymous>:7:3',
    '    at Script.runInThisContext (node:vm:137:12)',
    '    at Object.execute (/x/node_modules/tslab/dist/executor.js:160:38)'
  ].join('\n');
  expect(thrownContent(err)).toEqual({
    ename: 'TypeError',
    evalue: 'bad input',
    traceback: [
      'TypeError: bad input',
      '    at load (evalmachine.<anonymous>:3:9)',
      '    at evalmachine.<anonymous>:7:3'
    ]
  });
  expect(thrownContent('just text')).toMatchObject({ ename: 'Error', evalue: 'just text' });
});
