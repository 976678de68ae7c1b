import * as path from 'node:path';
import * as vm from 'node:vm';
import type { CompletionInfo, Converter, Diagnostic } from 'tslab/dist/converter';
import type { Executor } from 'tslab/dist/executor';
import { Alias, installRuntimeAlias, installTypeAlias } from './moduleAlias';
import { restrictAutomaticTypes } from './typeRoots';
import { shallowDirectoryWatches } from './watch';

/**
 * TypeScript cells through tslab's converter (type check, declarations carried from cell to
 * cell, top-level await, completion, inspection) and executor (runs the converted JavaScript
 * in this process). tslab reports a cell's outcome only through the console object it is
 * given: `log(value)` for the last expression, `error(err)` for a thrown error, and formatted
 * `error(...)` lines for diagnostics. We give it a recording console instead, and take the
 * diagnostics as structured objects from the converter, so the kernel can build real
 * `execute_result` and `error` messages.
 */

export type CellOutcome =
  | { kind: 'ok'; hasValue: boolean; value?: unknown }
  | { kind: 'thrown'; error: unknown }
  | { kind: 'diagnostics'; diagnostics: Diagnostic[] };

export interface CellRunner {
  execute(code: string): Promise<CellOutcome>;
  complete(code: string, cursor: number): CompletionInfo;
  inspect(code: string, cursor: number): QuickInfoLike | undefined;
  /** Stop waiting for the running cell's top-level await (the work itself may go on). */
  interrupt(): void;
  close(): void;
}

export interface QuickInfoLike {
  displayParts?: Array<{ text: string }>;
  documentation?: Array<{ text: string }>;
  tags?: Array<{ name: string; text?: Array<{ text: string }> | string }>;
}

interface Recording {
  value?: unknown;
  hasValue: boolean;
  thrown?: { error: unknown };
  diagnostics: Diagnostic[];
}

// tslab ships its own TypeScript; the converter reads files through this module's `sys`.
const tslabDir = path.dirname(require.resolve('tslab/package.json'));
const tslabTs = require(require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] })) as {
  sys: Parameters<typeof installTypeAlias>[0] &
    Parameters<typeof restrictAutomaticTypes>[0] &
    Parameters<typeof shallowDirectoryWatches>[0];
};
let typesRestricted = false;

export interface CellRunnerOptions {
  /** Bare specifiers mapped to fixed packages (see moduleAlias.ts). */
  aliases: Alias[];
  /** Ambient declarations every cell sees (e.g. the `display` global), in a module .d.ts. */
  prelude?: string;
  /**
   * Values the prelude declares. The converter rewrites every name declared before a cell to
   * `exports.<name>` (that is how cell variables carry over), so they live among the locals.
   */
  locals?: Record<string, unknown>;
  /**
   * The @types packages every cell sees without an import (default: Node's only; see
   * typeRoots.ts). Fixed by the first runner of the process.
   */
  automaticTypes?: string[];
}

export function createCellRunner(options: CellRunnerOptions): CellRunner {
  const prelude = options.prelude ?? '';
  // tslab's converter and executor both work relative to the process's working directory,
  // which Jupyter sets to the notebook's directory.
  const cwd = process.cwd();
  if (!typesRestricted) {
    restrictAutomaticTypes(tslabTs.sys, options.automaticTypes ?? ['node']);
    shallowDirectoryWatches(tslabTs.sys);
    typesRestricted = true;
  }
  for (const alias of options.aliases) {
    installTypeAlias(tslabTs.sys, cwd, alias);
    installRuntimeAlias(alias);
  }
  const { createConverter } =
    require('tslab/dist/converter') as typeof import('tslab/dist/converter');
  const { createExecutor } = require('tslab/dist/executor') as typeof import('tslab/dist/executor');

  let rec: Recording = { hasValue: false, diagnostics: [] };
  const record = (converter: Converter): Converter => ({
    ...converter,
    // The executor passes the declarations of earlier cells; the prelude goes in front of them
    // on every call (the converter does not carry `declare global` blocks forward itself).
    convert(prevDecl, src) {
      const result = converter.convert(prelude + prevDecl, src);
      rec.diagnostics.push(...result.diagnostics);
      return result;
    },
    complete: (prevDecl, src, position) => converter.complete(prelude + prevDecl, src, position),
    inspect: (prevDecl, src, position) => converter.inspect(prelude + prevDecl, src, position),
    addModule(name, content, meta) {
      const diagnostics = converter.addModule(name, content, meta);
      rec.diagnostics.push(...diagnostics);
      return diagnostics;
    }
  });

  const node = record(createConverter({ isJS: false, isBrowser: false }));
  let browser: Converter | undefined;
  const convs = {
    node,
    // Only `//@mode browser` cells need it; creating a converter costs seconds.
    get browser(): Converter {
      browser ??= record(createConverter({ isJS: false, isBrowser: true }));
      return browser;
    },
    close(): void {
      node.close();
      browser?.close();
    }
  };
  const executor: Executor = createExecutor(cwd, convs, {
    log(value: unknown) {
      rec.value = value;
      rec.hasValue = true;
    },
    error(first: unknown, ...rest: unknown[]) {
      // Diagnostic lines are formatted (several arguments); we already hold them structured.
      if (rest.length === 0) rec.thrown = { error: first };
    }
  });

  aliasCellRequire(options.aliases);

  const defineLocals = (): void => {
    Object.assign(executor.locals, options.locals ?? {});
  };
  defineLocals();

  return {
    async execute(code) {
      rec = { hasValue: false, diagnostics: [] };
      const ok = await executor.execute(code);
      const done = rec;
      if (done.diagnostics.length > 0)
        return { kind: 'diagnostics', diagnostics: done.diagnostics };
      if (!ok || done.thrown) {
        return {
          kind: 'thrown',
          error: done.thrown ? done.thrown.error : new Error('cell failed')
        };
      }
      return { kind: 'ok', hasValue: done.hasValue, value: done.value };
    },
    complete: (code, cursor) => executor.complete(code, cursor),
    inspect: (code, cursor) => executor.inspect(code, cursor) as QuickInfoLike | undefined,
    interrupt: () => executor.interrupt(),
    close: () => executor.close()
  };
}

/**
 * Cells call `__tslab__.require`, which tslab installs on the global object of the main
 * context. Route the aliased specifiers there too: it is the path every cell import takes,
 * also where `Module._resolveFilename` is not Node's own (under jest).
 */
function aliasCellRequire(aliases: Alias[]): void {
  const realGlobal = vm.runInThisContext('globalThis') as {
    __tslab__?: { require: NodeJS.Require };
  };
  const hooks = realGlobal.__tslab__;
  if (!hooks) throw new Error("tslab's executor did not install __tslab__");
  const targets = new Map(aliases.map(a => [a.specifier, a.runtimeEntry]));
  const base = hooks.require;
  hooks.require = new Proxy(base, {
    apply(target, thisArg, args: unknown[]) {
      const entry = args.length === 1 ? targets.get(args[0] as string) : undefined;
      return Reflect.apply(target, thisArg, entry !== undefined ? [entry] : args);
    }
  });
}
