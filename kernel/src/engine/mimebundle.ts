/**
 * How engine values describe themselves for rich display. The engine knows nothing of
 * Jupyter: a value that wants to be shown richly implements this symbol-keyed method and
 * returns a MIME bundle (mime type -> data). Hosts such as the medflow kernel call it for a
 * cell's last value; plain scripts never see it.
 */
export const MIME_BUNDLE = Symbol.for('jupyter.mimebundle');

export type MimeBundle = Record<string, unknown>;

export interface DisplaysAsMimeBundle {
  [MIME_BUNDLE](): MimeBundle;
}

export function hasMimeBundle(value: unknown): value is DisplaysAsMimeBundle {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as Partial<DisplaysAsMimeBundle>)[MIME_BUNDLE] === 'function'
  );
}
