/**
 * What reading data from the kernel or from a saved notebook gives: the value, or why it cannot
 * be read (a view shows the reason instead of drawing something half-valid).
 */
export type ReadResult<T> = { ok: true; value: T } | { ok: false; reason: string };
