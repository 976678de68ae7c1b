/**
 * Cell magics: a first line `%%python` runs the rest of the cell in the Python worker;
 * `%%python module NAME` defines a Python image-processing module named NAME. Anything else
 * starting with `%%` is an error naming the magics that exist (not a TypeScript syntax error).
 */
export type CellMagic =
  | { kind: 'python'; code: string }
  | { kind: 'python-module'; name: string; code: string }
  | { kind: 'unknown'; message: string };

export function cellMagic(cell: string): CellMagic | undefined {
  const match = /^[ \t]*%%(\S*)([^\n]*)(?:\n|$)/.exec(cell);
  if (!match) return undefined;
  const [first, magic, rest] = match;
  // The body keeps its line numbers: Python tracebacks then point at the right line of the cell.
  const code = '\n' + cell.slice(first.length);
  const args = rest.trim().split(/\s+/).filter(Boolean);
  if (magic === 'python') {
    if (args.length === 0) return { kind: 'python', code };
    if (args[0] === 'module' && args.length === 2) {
      return { kind: 'python-module', name: args[1], code };
    }
    return {
      kind: 'unknown',
      message: `%%python takes no arguments, or 'module NAME' (got '${rest.trim()}')`
    };
  }
  return {
    kind: 'unknown',
    message: `unknown cell magic %%${magic}; available: %%python, %%python module NAME`
  };
}
