import { inspect } from 'node:util';
import { hasMimeBundle, MIME_BUNDLE } from '../engine/mimebundle';
import { CellContext, currentCell } from './output';

/**
 * Rich display. A value becomes a MIME bundle: always 'text/plain' (util.inspect, as a REPL
 * prints it), merged with the value's own bundle when it implements the engine's display
 * contract (`value[Symbol.for('jupyter.mimebundle')]()`).
 *
 * Cells call `display(value)`: a global the kernel defines and declares to the type checker
 * (see `DISPLAY_DECLARATION`), so it needs no import. It publishes `display_data` to the cell
 * that called it, even from a callback that runs after the cell returned.
 */
export interface DisplayOptions {
  /** Lets a later display with the same id replace this output (update_display_data). */
  display_id?: string;
  /** Per-MIME-type metadata (e.g. image sizes). */
  metadata?: Record<string, unknown>;
  /** Replace the output shown earlier with this display_id instead of adding one. */
  update?: boolean;
}

/** Publishes one output message (its type and content) to a cell's iopub stream. */
export type DisplaySink = (
  cell: CellContext,
  msgType: 'display_data' | 'update_display_data' | 'clear_output',
  content: Record<string, unknown>
) => void;

export function mimeBundleOf(value: unknown): Record<string, unknown> {
  const data: Record<string, unknown> = {
    'text/plain': inspect(value, { depth: 4, maxArrayLength: 50, breakLength: 100 })
  };
  if (hasMimeBundle(value)) {
    const own = value[MIME_BUNDLE]();
    // The value's own text/plain, when it has one, describes it better than inspect().
    for (const [mime, payload] of Object.entries(own)) data[mime] = payload;
  }
  return data;
}

let sink: DisplaySink | undefined;

export function setDisplaySink(next: DisplaySink): void {
  sink = next;
}

export function display(value: unknown, options: DisplayOptions = {}): void {
  const cell = currentCell();
  if (!cell || !sink) {
    throw new Error('display() can only be called from code that a notebook cell started');
  }
  if (options.update && !options.display_id) {
    throw new Error('display(value, { update: true }) needs the display_id to update');
  }
  const transient = options.display_id ? { display_id: options.display_id } : {};
  const msgType = options.update ? 'update_display_data' : 'display_data';
  sink(cell, msgType, { data: mimeBundleOf(value), metadata: options.metadata ?? {}, transient });
}

/**
 * Clear this cell's output. With `wait`, the frontend clears only when the next output arrives
 * (no flicker when a loop redraws a progress display).
 */
export function clearOutput(options: { wait?: boolean } = {}): void {
  const cell = currentCell();
  if (!cell || !sink) {
    throw new Error('clearOutput() can only be called from code that a notebook cell started');
  }
  sink(cell, 'clear_output', { wait: options.wait === true });
}

/** Type declaration of the `display` global, given to the cells' type checker. */
export const DISPLAY_DECLARATION = `declare global {
  /** Show a value in this cell's output: its MIME bundle when it has one, else its text. */
  function display(
    value: unknown,
    options?: { display_id?: string; metadata?: Record<string, unknown>; update?: boolean }
  ): void;
  /** Clear this cell's output; with \`wait\`, only when the next output arrives. */
  function clearOutput(options?: { wait?: boolean }): void;
}
`;

/** Define the runtime globals that DISPLAY_DECLARATION describes. */
export function installDisplayGlobal(): void {
  for (const [name, value] of Object.entries({ display, clearOutput })) {
    Object.defineProperty(globalThis, name, {
      value,
      writable: true,
      configurable: true,
      enumerable: false
    });
  }
}
