/**
 * The label file of a flat image folder: `filename,class` per line, an optional header line
 * (first cell filename/file/path/image), quotes allowed ("a, b.png"), # comments skipped.
 */
export interface CsvRow {
  file: string;
  label: string;
  /** 1-based line number, for messages. */
  line: number;
}

/** Splits one CSV line into cells (RFC 4180 quoting; "" inside quotes is a quote). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  out.push(cell.trim());
  return out;
}

export function parseLabelCsv(text: string, where: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, k) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const c = cells(line);
    if (rows.length === 0 && k === lines.findIndex(l => l.trim() && !l.trim().startsWith('#'))) {
      if (/^(file(name)?|path|image|filepath)$/i.test(c[0])) return;
    }
    if (c.length < 2 || !c[0] || !c[1]) {
      throw new Error(`${where}:${k + 1}: expected "filename,class", got "${line}"`);
    }
    rows.push({ file: c[0], label: c[1], line: k + 1 });
  });
  if (rows.length === 0) throw new Error(`${where}: no "filename,class" rows`);
  return rows;
}
