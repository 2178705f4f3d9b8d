/** A plain text table: numeric columns right-aligned, text left-aligned, two spaces between columns. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // A column is numeric when every filled cell is a number, percentage or interval ('-' marks "no value", '*' a running cycle, '†' a small sample).
  const numeric = header.map((_, i) => rows.every((r) => /^(-|[-\d.[\]%, *†]+)$/.test(r[i] ?? '-')));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [header.map((h, i) => h.padEnd(widths[i]!)).join('  ').trimEnd(), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function fixed(value: number | null, digits = 3): string {
  return value === null ? '-' : value.toFixed(digits);
}

export function percent(value: number | null, digits = 1): string {
  return value === null ? '-' : `${(100 * value).toFixed(digits)}%`;
}

export function interval(ci: readonly [number, number] | null, scale = 1, digits = 3): string {
  return ci === null ? '-' : `[${(ci[0] * scale).toFixed(digits)}, ${(ci[1] * scale).toFixed(digits)}]`;
}
