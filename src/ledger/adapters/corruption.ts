import { join } from 'node:path';
import { LedgerError } from '../../../domain/shared/ledger-error';

/** SQLSTATEs PostgreSQL reports for damaged data: data_corrupted, index_corrupted. */
const CORRUPTION_STATES = new Set(['XX001', 'XX002']);

/**
 * A damaged page or file is INTEGRITY (exit status 6), naming the file where the message does, never INTERNAL
 * "a bug in nas-ledger". `dataDir` (the embedded store's directory) resolves relation paths to files; null on a
 * server. `wasmAbort`: also treat a WebAssembly abort as damage (PGlite aborts on some damaged files).
 * Returns the error unchanged when it is not one of these.
 */
export function corruptionError(error: unknown, where: string, dataDir: string | null, wasmAbort = false): unknown {
  if (error instanceof LedgerError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const aborted = wasmAbort && ((error as Error | null)?.constructor?.name === 'RuntimeError' ||
    /^(Aborted|RuntimeError)|unreachable|memory access out of bounds|failed to initialize properly/i.test(message));
  if (!(typeof code === 'string' && CORRUPTION_STATES.has(code)) && !aborted && !/^invalid page in block/.test(message)) return error;
  const relation = /relation "([^"]+)"/.exec(message)?.[1];
  const file = relation && dataDir ? join(dataDir, relation) : relation ?? dataDir ?? where;
  return new LedgerError('INTEGRITY', `the store's data is damaged (${file}): ${message}`,
    'The database files were changed or damaged outside nas-ledger. Restore the ledger from a verified export ' +
    '(`nas-ledger events import` into a new store) or a backup; do not append to this one.', { file, store: where });
}
