/**
 * IPython's `name?`: a cell that is just a (dotted) name followed by `?` or `??` shows the
 * name's documentation in the pager (a `page` payload of the execute_reply) instead of running.
 */
export interface PagerRequest {
  /** The expression to inspect. */
  code: string;
  /** Where inspection looks: the end of the name. */
  cursor: number;
}

const PAGER = /^\s*([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\?\??\s*$/;

export function pagerRequest(cellCode: string): PagerRequest | undefined {
  const match = PAGER.exec(cellCode);
  if (!match) return undefined;
  const code = match[1].replace(/\s+/g, '');
  return { code, cursor: code.length };
}
