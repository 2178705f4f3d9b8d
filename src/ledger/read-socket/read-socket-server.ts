import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { sqlState } from '../sql/sql-client';
import { prepareSocketDirectory, readSocketPath, socketPathFits } from './socket-path';
import { decodeLine, encodeLine, isReadStatement, lineReader, type ReadReply, type ReadRequest, type WireError } from './wire';

/** What the socket serves from: the owning process's embedded database, one statement per read-only transaction. */
export interface ReadOnlySource {
  readOnlyQuery(sql: string, params: readonly unknown[]): Promise<unknown[]>;
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
}

export interface ReadSocketServer {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Serves read-only statements on a Unix socket in the ledger directory while this process holds the embedded
 * store, so other processes can read it (stats, serve, exports) instead of failing with LOCKED. Only the owner can
 * connect (the socket's folder is 0700, the socket 0600). Each statement must be a SELECT and runs alone in a
 * READ ONLY transaction that is rolled back, so it can change neither rows nor this process's session. What a
 * reader receives is checked against the hash chain on its side, so the socket cannot hand out a forged event.
 * Called while the directory lock is held: a socket file found there was left by a process that is gone.
 */
export async function startReadSocketServer(directory: string, source: ReadOnlySource): Promise<ReadSocketServer | null> {
  const path = readSocketPath(directory);
  if (!socketPathFits(path)) return null;
  prepareSocketDirectory(directory);
  removeStaleSocket(path);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const stopListening: (() => Promise<void>)[] = [];
    socket.on('close', () => {
      sockets.delete(socket);
      for (const stop of stopListening) void stop().catch(() => undefined);
    });
    socket.on('error', () => socket.destroy());
    const send = (reply: ReadReply): void => {
      if (!socket.destroyed) socket.write(encodeLine(reply));
    };
    socket.on('data', lineReader((line) => {
      void answer(line, source, send, (stop) => stopListening.push(stop));
    }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, 0o600);
  return { path, close: () => closeServer(server, sockets, path) };
}

async function answer(line: string, source: ReadOnlySource, send: (reply: ReadReply) => void,
  onListening: (stop: () => Promise<void>) => void): Promise<void> {
  let request: ReadRequest;
  try {
    request = decodeLine(line) as ReadRequest;
    if (typeof request?.id !== 'number') throw new Error('no numeric id');
  } catch (error) {
    send({ id: -1, error: { message: `not a request: ${(error as Error).message}`, code: 'BAD_INPUT' } });
    return;
  }
  try {
    if (typeof request.listen === 'string') {
      onListening(await source.listen(request.listen, () => send({ notify: request.listen! })));
      send({ id: request.id, listening: true });
      return;
    }
    if (typeof request.sql !== 'string' || !isReadStatement(request.sql)) {
      throw new LedgerError('REFUSED', 'the read socket answers SELECT statements only', 'Write through the process that holds the store.');
    }
    send({ id: request.id, rows: await source.readOnlyQuery(request.sql, Array.isArray(request.params) ? request.params : []) });
  } catch (error) {
    send({ id: request.id, error: wireError(error) });
  }
}

function wireError(error: unknown): WireError {
  if (error instanceof LedgerError) return { message: error.message, code: error.code, hint: error.hint };
  return { message: error instanceof Error ? error.message : String(error), code: sqlState(error) };
}

/** We hold the directory lock, so no live process serves on this path: whatever is there is left over. */
function removeStaleSocket(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

async function closeServer(server: Server, sockets: Set<Socket>, path: string): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const socket of sockets) socket.destroy();
  await closed;
  removeStaleSocket(path);
}
