/** A cell of a flat export: CSV writes null as an empty field, JSON Lines as null. */
export type Cell = string | number | boolean | null;

/** Rows with one fixed column order, so every row of a CSV has the same columns (and pandas one dtype per column). */
export interface FlatTable {
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, Cell>>[];
}

/** Columns in the order they first appear across the rows. */
export function flatTable(rows: readonly Readonly<Record<string, Cell>>[]): FlatTable {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  return { columns, rows };
}

/** RFC 4180: a field with a comma, quote, CR/LF or edge spaces is quoted, quotes doubled; lines end with \n. */
export function toCsv(table: FlatTable): string {
  const field = (value: Cell | undefined): string => {
    if (value === null || value === undefined) return '';
    const text = String(value);
    return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [table.columns.map((c) => field(c)).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => field(row[c])).join(','));
  return lines.join('\n') + '\n';
}

/** One JSON object per line, every column present (null where a row has no value). */
export function toJsonLines(table: FlatTable): string {
  return table.rows.map((row) => JSON.stringify(Object.fromEntries(table.columns.map((c) => [c, row[c] ?? null])))).join('\n') + (table.rows.length ? '\n' : '');
}

/** An interval [low, high] as two columns `<name>_low`, `<name>_high`. */
export function intervalCells(name: string, interval: readonly [number, number] | null): Record<string, Cell> {
  return { [`${name}_low`]: interval?.[0] ?? null, [`${name}_high`]: interval?.[1] ?? null };
}
