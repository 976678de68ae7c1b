import type { Diagnostic } from 'tslab/dist/converter';

/**
 * The `error` content (ename / evalue / traceback) of a failed cell. Frames of the kernel's own
 * machinery (vm, tslab's executor, this package) are cut off: the user's frames are the story.
 */
export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

export function compileErrorContent(diagnostics: Diagnostic[]): ErrorContent {
  const lines = diagnostics.map(d => {
    const where = `${d.fileName ? d.fileName + ' ' : ''}${d.start.line + 1}:${d.start.character + 1}`;
    return `${where} - ${d.messageText} (TS${d.code})`;
  });
  return { ename: 'TypeScriptError', evalue: lines.join('\n'), traceback: lines };
}

export function interruptedContent(): ErrorContent {
  return {
    ename: 'KeyboardInterrupt',
    evalue: 'Interrupted by the user',
    traceback: ['KeyboardInterrupt: Interrupted by the user']
  };
}

const INTERNAL_FRAME =
  /\((node:|.*[/\\]node_modules[/\\]tslab[/\\]|.*[/\\]dist[/\\]kernel[/\\]jupyter[/\\])|^\s+at (node:|Script\.runInThisContext)/;

export function thrownContent(error: unknown): ErrorContent {
  if (!(error instanceof Error) && !looksLikeError(error)) {
    // `throw 'text'` or `throw 42`: JavaScript lets any value be thrown.
    const evalue = typeof error === 'string' ? error : String(error);
    return { ename: 'Error', evalue, traceback: [`Uncaught ${evalue}`] };
  }
  const err = error as Error;
  const ename = err.name || err.constructor?.name || 'Error';
  const evalue = err.message ?? '';
  const frames: string[] = [];
  for (const line of (err.stack ?? '').split('\n')) {
    if (!/^\s+at /.test(line)) continue;
    if (INTERNAL_FRAME.test(line)) break;
    frames.push(line);
  }
  return { ename, evalue, traceback: [`${ename}: ${evalue}`, ...frames] };
}

function looksLikeError(value: unknown): boolean {
  // Errors from another realm (a worker, a vm context) fail instanceof but have the shape.
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Error).message === 'string' &&
    typeof (value as Error).name === 'string'
  );
}
