/**
 * The read socket's wire format: one JSON object per line each way. A request asks for one read-only statement
 * (`{id, sql, params}`) or notifications on a channel (`{id, listen}`); a reply carries the rows or an error
 * (`{id, rows}` / `{id, error}`); `{notify}` lines arrive unasked while listening. Values JSON has no type for
 * (a bigint beyond 2^53, a timestamp) travel tagged, so the rows a remote reader gets equal what PGlite gave.
 */
export interface ReadRequest {
  readonly id: number;
  readonly sql?: string;
  readonly params?: readonly unknown[];
  readonly listen?: string;
}

export interface WireError {
  readonly message: string;
  /** The LedgerError code or the SQLSTATE, where there is one. */
  readonly code?: string;
  readonly hint?: string;
}

export type ReadReply =
  | { readonly id: number; readonly rows: unknown[] }
  | { readonly id: number; readonly error: WireError }
  | { readonly id: number; readonly listening: true }
  | { readonly notify: string };

/** One line of JSON: bigints and Dates tagged (JSON.stringify cannot write the former and flattens the latter). */
export function encodeLine(value: unknown): string {
  return JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, v: unknown) {
    const original = this[key];
    if (typeof original === 'bigint') return { $bigint: original.toString() };
    if (original instanceof Date) return { $date: original.toISOString() };
    return v;
  }) + '\n';
}

export function decodeLine(line: string): unknown {
  return JSON.parse(line, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const tagged = v as { $bigint?: unknown; $date?: unknown };
      const keys = Object.keys(v);
      if (keys.length === 1 && typeof tagged.$bigint === 'string') return BigInt(tagged.$bigint);
      if (keys.length === 1 && typeof tagged.$date === 'string') return new Date(tagged.$date);
    }
    return v;
  });
}

/** Splits a byte stream into lines, calling `onLine` for each complete one. */
export function lineReader(onLine: (line: string) => void): (chunk: Buffer) => void {
  let pending: Buffer[] = [];
  return (chunk: Buffer) => {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      pending.push(chunk.subarray(start, newline));
      const line = Buffer.concat(pending).toString('utf8');
      pending = [];
      start = newline + 1;
      if (line.trim() !== '') onLine(line);
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  };
}

/** True for a statement that only reads: a SELECT (or WITH … SELECT) that neither changes rows nor locks them. */
export function isReadStatement(sql: string): boolean {
  const text = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
  if (!/^\s*(select|with)\b/i.test(text)) return false;
  return !/\b(insert|update|delete|truncate|merge)\b|\bfor\s+(no\s+key\s+)?(update|share)\b/i.test(text);
}
