/**
 * The small SQL surface both adapters implement, so every rule of the ledger (positions, hashes,
 * expected versions, idempotency) lives once in SqlEventStore and runs unchanged on PGlite and PostgreSQL.
 */
export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface TransactionOptions {
  readonly advisoryLock?: number;
  /**
   * A statement without parameters (values inlined with sqlLiteral) run right after the lock, as its own statement
   * (so with a snapshot taken after the lock was granted), in the same round trip as BEGIN where the driver allows.
   * Its rows are passed to fn.
   */
  readonly firstStatement?: string;
  /** A channel to NOTIFY with the commit (in the commit's round trip where the driver allows). */
  readonly notify?: string;
}

export interface SqlClient extends SqlExecutor {
  readonly kind: 'pglite' | 'postgres';
  /** Human-readable location (directory or URL without password), for messages. */
  readonly location: string;
  /** Runs several statements separated by semicolons, without parameters. */
  exec(sql: string): Promise<void>;
  /**
   * Runs fn inside BEGIN/COMMIT on one connection; rolls back when fn throws. With advisoryLock, the transaction
   * holds pg_advisory_xact_lock(key) before fn runs (sent with BEGIN where the driver allows, saving a round trip).
   */
  transaction<T>(fn: (tx: SqlExecutor, firstRows: Record<string, unknown>[]) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * LISTENs on `channel`; onNotify runs for every notification. Resolves to a function that stops listening.
   * Best effort: a lost listening connection is not re-established (callers keep polling as a fallback).
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /**
   * Server only (optional): runs `statements`, one of them `COPY … FROM STDIN`, as one Query message, so as one
   * implicit transaction; `copyData` (COPY's text format) is sent when the COPY asks for it.
   */
  copyIn?(statements: readonly string[], copyData: string): Promise<void>;
  close(): Promise<void>;
}

/** A string as an SQL literal, correct whatever standard_conforming_strings is (as pg's escapeLiteral). */
export function sqlLiteral(value: string): string {
  const quoted = `'${value.replace(/'/g, "''").replace(/\\/g, '\\\\')}'`;
  return value.includes('\\') ? `E${quoted}` : quoted;
}

/** A PostgreSQL error as both drivers report it: the SQLSTATE code is what we branch on. */
export function sqlState(error: unknown): string | undefined {
  if (error !== null && typeof error === 'object' && 'code' in error) {
    const code = error.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}
