/**
 * How engine code shows something in the notebook while it runs (p.train() showing a live
 * training view) without knowing Jupyter: the kernel sets a display hook at start-up
 * (kernel/src/jupyter/index.ts); outside a kernel there is none and `showLive` does nothing.
 */

export interface ShowOptions {
  /** Lets a later show with the same id (and `update: true`) replace this output. */
  display_id?: string;
  /** Replace the output shown earlier with `display_id` instead of adding one. */
  update?: boolean;
}

/**
 * Shows a value (its MIME bundle) in the output of the cell running now; returns false when no
 * cell runs now (nothing was shown).
 */
export type DisplayHook = (value: unknown, options: ShowOptions) => boolean;

let hook: DisplayHook | undefined;

/** Called by the kernel at start-up (and by tests with their own hook); undefined removes it. */
export function setDisplayHook(next: DisplayHook | undefined): void {
  hook = next;
}

/** True when values shown with showLive reach a notebook (code runs inside a kernel). */
export function canShow(): boolean {
  return hook !== undefined;
}

/**
 * Shows `value` in the cell that runs now. Returns false (and does nothing) outside a kernel, or
 * when no cell runs (the hook then refuses), so scripts and tests run the same code headless.
 */
export function showLive(value: unknown, options: ShowOptions = {}): boolean {
  if (!hook) return false;
  if (options.update && !options.display_id) {
    throw new Error('showLive(value, { update: true }) needs the display_id to update');
  }
  return hook(value, options);
}
