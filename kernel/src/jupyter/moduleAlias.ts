import Module from 'node:module';
import * as path from 'node:path';

/**
 * Makes a bare specifier (`import * as mf from "medflow"`) resolve to one fixed package
 * directory, wherever the notebook lives: inside this repository, or anywhere else with the
 * package installed globally. Two resolvers need it:
 *
 * - the type checker (tslab's converter) resolves `<cwd>/node_modules/<name>` through tslab's
 *   copy of TypeScript's `ts.sys`; we redirect that one virtual directory to the package;
 * - Node's `require` at run time; we answer that one specifier in `Module._resolveFilename`.
 *
 * Only the registered specifiers are touched; every other import resolves as usual.
 */
export interface Alias {
  /** The bare specifier cells import, e.g. 'medflow'. */
  specifier: string;
  /** The package directory; the package's own imports resolve from here. */
  packageDir: string;
  /** The declaration file of the entry, relative to packageDir (e.g. 'dist/x/index.d.ts'). */
  typesEntry: string;
  /** The JavaScript file `require(specifier)` loads at run time. */
  runtimeEntry: string;
}

interface TsSys {
  fileExists(p: string): boolean;
  directoryExists?(p: string): boolean;
  readFile(p: string, encoding?: string): string | undefined;
  realpath?(p: string): string;
  getDirectories?(p: string): string[];
}

type ResolveFilename = (request: string, ...rest: unknown[]) => string;

const runtimeAliases = new Map<string, string>();
let runtimeHookInstalled = false;

/** Route `require(alias.specifier)` (from any module, cells included) to its entry file. */
export function installRuntimeAlias(alias: Alias): void {
  runtimeAliases.set(alias.specifier, alias.runtimeEntry);
  if (runtimeHookInstalled) return;
  runtimeHookInstalled = true;
  const mod = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = mod._resolveFilename;
  mod._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    const target = runtimeAliases.get(request);
    return target !== undefined ? target : original.call(this, request, ...rest);
  };
}

/**
 * Redirect `<cwd>/node_modules/<specifier>/...` in the given `ts.sys` to the package directory.
 * Must run before the converter is created (it reads through this object from then on).
 */
export function installTypeAlias(sys: TsSys, cwd: string, alias: Alias): void {
  const virtualDir = path.posix.join(toPosix(cwd), 'node_modules', alias.specifier);
  const realDir = toPosix(alias.packageDir);
  const map = (p: string): string => {
    const q = toPosix(p);
    if (q === virtualDir) return realDir;
    if (q.startsWith(virtualDir + '/')) return realDir + q.slice(virtualDir.length);
    return p;
  };
  // The type checker reads the virtual package.json for the entry's `types`. It gets one made
  // for the alias, so the entry does not depend on what the real package.json's fields say
  // (its `main` may serve another consumer).
  const manifestPath = virtualDir + '/package.json';
  const manifest = JSON.stringify({ name: alias.specifier, types: alias.typesEntry });
  const fileExists = sys.fileExists.bind(sys);
  sys.fileExists = p => toPosix(p) === manifestPath || fileExists(map(p));
  const readFile = sys.readFile.bind(sys);
  sys.readFile = (p, encoding) =>
    toPosix(p) === manifestPath ? manifest : readFile(map(p), encoding);
  if (sys.directoryExists) {
    const directoryExists = sys.directoryExists.bind(sys);
    sys.directoryExists = p => directoryExists(map(p));
  }
  if (sys.getDirectories) {
    const getDirectories = sys.getDirectories.bind(sys);
    sys.getDirectories = p => getDirectories(map(p));
  }
  if (sys.realpath) {
    // The real path makes the package's own imports (e.g. @tensorflow/tfjs types) resolve
    // from the package's node_modules, as they do at run time.
    const realpath = sys.realpath.bind(sys);
    sys.realpath = p => realpath(map(p));
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** The alias of this package: `medflow` -> <package root>/dist/kernel/engine/index.js. */
export function medflowAlias(): Alias {
  // This file compiles to <root>/dist/kernel/jupyter/moduleAlias.js.
  const root = path.resolve(__dirname, '..', '..', '..');
  return {
    specifier: 'medflow',
    packageDir: root,
    typesEntry: 'dist/kernel/engine/index.d.ts',
    runtimeEntry: path.join(root, 'dist', 'kernel', 'engine', 'index.js')
  };
}
