/**
 * TypeScript's compiler host watches the folders where imports failed to resolve (every
 * `node_modules` from the notebook's folder up) so that a package installed later is noticed.
 * On Linux, Node cannot watch a tree, and TypeScript emulates a recursive watch by listing and
 * watching every sub-folder: inside a project, all of node_modules, which took ~0.4 s of the
 * converter's start-up. Watching only the folder itself still notices what `npm install`
 * adds (a new folder in node_modules), at a fraction of the cost.
 */
interface TsSys {
  watchDirectory?(path: string, callback: unknown, recursive?: boolean, options?: unknown): unknown;
}

export function shallowDirectoryWatches(sys: TsSys): void {
  const watchDirectory = sys.watchDirectory?.bind(sys);
  if (!watchDirectory) return;
  sys.watchDirectory = (path, callback, _recursive, options) =>
    watchDirectory(path, callback, false, options);
}
