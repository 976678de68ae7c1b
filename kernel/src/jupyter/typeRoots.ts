/**
 * Without `types` in the compiler options (tslab's converter sets none, and offers no way to),
 * TypeScript loads every package under each `node_modules/@types` from the notebook's folder
 * up to the root: inside a project with @types/jest, @types/react … that is seconds of
 * type-checking before the first cell, for globals a notebook rarely wants. TypeScript finds
 * those packages by listing the @types folders with `getDirectories`; we answer that listing
 * with only the packages kept (Node's), in tslab's `ts.sys`. Imports are untouched: `import
 * React from 'react'` still finds @types/react through module resolution, which does not list
 * folders.
 */
interface TsSys {
  getDirectories?(p: string): string[];
}

export function restrictAutomaticTypes(sys: TsSys, keep: readonly string[] = ['node']): void {
  const getDirectories = sys.getDirectories?.bind(sys);
  if (!getDirectories) return;
  sys.getDirectories = p => {
    const found = getDirectories(p);
    const q = p.replace(/\\/g, '/').replace(/\/+$/, '');
    return q.endsWith('/node_modules/@types') ? found.filter(d => keep.includes(d)) : found;
  };
}
