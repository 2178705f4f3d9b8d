import { existsSync } from 'node:fs';
import { LedgerError } from '../../../domain/shared/ledger-error';
import type { PgliteClient } from '../adapters/pglite-client';
import { SqlEventStore, type SqlEventStoreOptions } from '../sql/sql-event-store';
import { RemoteSqlClient } from './remote-sql-client';
import { startReadSocketServer, type ReadSocketServer } from './read-socket-server';
import { readSocketPath } from './socket-path';

/**
 * Starts the read socket for the store this process just opened. A socket that cannot be served (a directory too
 * deep for a socket path, a folder owned by someone else) costs other processes their reads, never this process its
 * store: the reason goes to stderr and the store stays open.
 */
export async function serveReads(directory: string, client: PgliteClient,
  warn: (message: string) => void = (m) => process.stderr.write(`nas-ledger: warning: ${m}\n`)): Promise<ReadSocketServer | null> {
  try {
    const server = await startReadSocketServer(directory, client);
    if (!server) warn(`the ledger directory ${directory} is too deep for a read socket; other processes cannot read it while this one runs`);
    return server;
  } catch (error) {
    warn(`no read socket for ${directory} (${(error as Error).message}); other processes cannot read it while this one runs`);
    return null;
  }
}

/**
 * Opens the embedded store another process holds, read-only, through that process's read socket. `locked` is the
 * LOCKED error the directory lock raised (naming the owner): a write is refused with it, and it is what a reader
 * gets when no live socket answers (the owner serves none, or the file was left by a process that is gone: never
 * waited on).
 */
export async function openThroughReadSocket(directory: string, locked: LedgerError,
  options: Omit<SqlEventStoreOptions, 'onClose'> = {}): Promise<SqlEventStore> {
  const path = readSocketPath(directory);
  const owner = typeof locked.details?.pid === 'number' ? `process ${locked.details.pid}` : 'another process';
  if (!await appears(path, SOCKET_APPEAR_MS)) {
    throw new LedgerError('LOCKED', `${locked.message}, and it serves no read socket (${path})`,
      `It may still be starting (try again), or be a nas-ledger from before read sockets. ${locked.hint ?? ''}`.trim(), locked.details);
  }
  const writeRefusal = (): LedgerError => new LedgerError('LOCKED',
    `${locked.message}: this process reads it through ${owner}'s read socket and cannot write to it`,
    locked.hint, { ...locked.details, readSocket: path });
  let client: RemoteSqlClient;
  try {
    client = await RemoteSqlClient.connect(path, `${directory} (read through ${owner})`, writeRefusal);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    throw new LedgerError('LOCKED', `${locked.message}; its read socket ${path} does not answer (${code})`,
      `The socket was probably left by a process that is gone. ${locked.hint ?? ''}`.trim(), { ...locked.details, readSocket: path, socketError: code });
  }
  try {
    return await SqlEventStore.open(client, options);
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}

/** How long a reader waits for the socket of a holder that has the lock but is still opening the store. */
export const SOCKET_APPEAR_MS = 5000;

async function appears(path: string, withinMs: number): Promise<boolean> {
  for (const until = Date.now() + withinMs; !existsSync(path); await new Promise((resolve) => setTimeout(resolve, 100))) {
    if (Date.now() >= until) return false;
  }
  return true;
}

/** True for a store opened through another process's read socket (it reads, and refuses every write). */
export function readsThroughSocket(store: unknown): boolean {
  return store instanceof SqlEventStore && store.client instanceof RemoteSqlClient;
}
