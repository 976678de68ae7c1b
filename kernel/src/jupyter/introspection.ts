import * as path from 'node:path';
import { isCompleteCode } from 'tslab/dist/converter';
import type { CellRunner } from './executor';

/**
 * is_complete / complete / inspect replies, from tslab's converter (the same TypeScript program
 * that type-checks the cells, so completions know the variables of earlier cells).
 */

interface TsParse {
  createSourceFile(
    name: string,
    text: string,
    target: number,
    setParents?: boolean,
    kind?: number
  ): { parseDiagnostics?: Array<{ messageText: unknown }> };
  ScriptTarget: { Latest: number };
  ScriptKind: { TSX: number };
}

const tslabDir = path.dirname(require.resolve('tslab/package.json'));
const ts = require(
  require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] })
) as TsParse;

export type IsCompleteContent =
  { status: 'complete' } | { status: 'incomplete'; indent: string } | { status: 'invalid' };

export function isCompleteContent(code: string): IsCompleteContent {
  // tslab: "more input expected at the very end" (an open brace, a dangling operator …).
  const res = isCompleteCode(code);
  if (!res.completed) return { status: 'incomplete', indent: res.indent ?? '' };
  // A syntax error anywhere else cannot be fixed by typing more lines.
  const file = ts.createSourceFile(
    'cell.ts',
    code,
    ts.ScriptTarget.Latest,
    false,
    ts.ScriptKind.TSX
  );
  const problems = file.parseDiagnostics ?? [];
  // A template literal may span lines: an open one at the end means "keep typing".
  if (problems.some(d => d.messageText === 'Unterminated template literal.')) {
    return { status: 'incomplete', indent: '' };
  }
  if (problems.length > 0) return { status: 'invalid' };
  return { status: 'complete' };
}

export function completeContent(runner: CellRunner, code: string, cursor: number) {
  const info = runner.complete(code, cursor);
  return {
    status: 'ok',
    matches: info.candidates,
    cursor_start: info.start,
    cursor_end: info.end,
    metadata: {}
  };
}

export function inspectContent(runner: CellRunner, code: string, cursor: number) {
  const info = runner.inspect(code, cursor);
  if (!info || !info.displayParts) return { status: 'ok', found: false, data: {}, metadata: {} };
  const signature = info.displayParts.map(p => p.text).join('');
  // TypeScript's quick info for a name it cannot resolve is a bare `any`; a declared name shows
  // its declaration (`let x: any`).
  if (signature === 'any' && !info.documentation?.length) {
    return { status: 'ok', found: false, data: {}, metadata: {} };
  }
  const doc = (info.documentation ?? []).map(p => p.text).join('');
  const tags = (info.tags ?? []).map(t => {
    const text = typeof t.text === 'string' ? t.text : (t.text ?? []).map(p => p.text).join('');
    return `@${t.name}${text ? ' ' + text : ''}`;
  });
  const text = [signature, doc, ...tags].filter(s => s.length > 0).join('\n\n');
  const markdown = ['```typescript\n' + signature + '\n```', doc, ...tags]
    .filter(s => s.length > 0)
    .join('\n\n');
  return {
    status: 'ok',
    found: true,
    data: { 'text/plain': text, 'text/markdown': markdown },
    metadata: {}
  };
}

/**
 * Jupyter counts cursor positions in Unicode code points (protocol 5.2); JavaScript strings
 * index UTF-16 units. They differ after any character outside the BMP (emoji, some CJK).
 */
export function codePointToUtf16(text: string, codePoints: number): number {
  let units = 0;
  let seen = 0;
  for (const ch of text) {
    if (seen >= codePoints) break;
    units += ch.length;
    seen += 1;
  }
  return units;
}

export function utf16ToCodePoint(text: string, index: number): number {
  return Array.from(text.slice(0, index)).length;
}
