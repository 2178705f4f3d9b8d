import { connect, type Socket } from 'node:net';
import { ERROR_CODES, LedgerError, type ErrorCode } from '../../../domain/shared/ledger-error';
import type { SqlClient } from '../sql/sql-client';
import { decodeLine, encodeLine, isReadStatement, lineReader, type ReadReply, type WireError } from './wire';

/** How long a connection attempt may take; a socket nobody answers on fails fast instead of hanging. */
export const CONNECT_TIMEOUT_MS = 3000;

/**
 * Writes a reader keeps to itself: snapshots and subscription checkpoints are caches of folds over the log, which
 * the owning process keeps for its own; a reader folds from what is stored and keeps its position in memory.
 */
const CACHE_WRITE = /^\s*insert\s+into\s+(ledger_snapshots|ledger_checkpoints)\b/i;

/**
 * The embedded store of another process, read through its read socket: a SqlClient whose SELECTs run in the owning
 * process, so SqlEventStore works on it unchanged and checks every event it returns against its hash here, in the
 * reader. Anything that writes is refused with `writeRefusal` (LOCKED, naming the owner) before it leaves.
 */
export class RemoteSqlClient implements SqlClient {
  readonly kind = 'pglite' as const;

  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (reply: ReadReply) => void; reject: (error: Error) => void }>();
  private readonly listeners = new Map<string, Set<() => void>>();
  private closedError: Error | null = null;

  private constructor(private readonly socket: Socket, readonly location: string, private readonly writeRefusal: () => LedgerError) {
    socket.on('data', lineReader((line) => this.onLine(line)));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('the owning process closed the read socket')));
  }

  /** Connects to the socket at `path`; rejects (with the socket's error code) when nothing answers there. */
  static async connect(path: string, location: string, writeRefusal: () => LedgerError): Promise<RemoteSqlClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(path);
      const timer = setTimeout(() => {
        s.destroy();
        reject(Object.assign(new Error(`no answer on ${path} within ${CONNECT_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' }));
      }, CONNECT_TIMEOUT_MS);
      s.once('connect', () => { clearTimeout(timer); s.removeAllListeners('error'); resolve(s); });
      s.once('error', (error) => { clearTimeout(timer); reject(error); });
    });
    return new RemoteSqlClient(socket, location, writeRefusal);
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    if (CACHE_WRITE.test(sql)) return [];
    if (!isReadStatement(sql)) throw this.writeRefusal();
    const reply = await this.request({ sql, params });
    return 'rows' in reply ? reply.rows as T[] : [];
  }

  exec(): Promise<void> {
    return Promise.reject(this.writeRefusal());
  }

  transaction<T>(): Promise<T> {
    return Promise.reject(this.writeRefusal());
  }

  /** Notifications the owner hears (each append's NOTIFY) are passed on, so subscriptions here wake as they do there. */
  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.request({ listen: channel });
    }
    set.add(onNotify);
    return () => {
      set.delete(onNotify);
      return Promise.resolve();
    };
  }

  close(): Promise<void> {
    this.closedError ??= new LedgerError('UNAVAILABLE', 'the event store is closed', 'Open it again with openEventStore().');
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }

  private request(body: { sql?: string; params?: readonly unknown[]; listen?: string }): Promise<ReadReply> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise<ReadReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.write(encodeLine({ id, ...body }));
    });
  }

  private onLine(line: string): void {
    let reply: ReadReply;
    try {
      reply = decodeLine(line) as ReadReply;
    } catch (error) {
      this.fail(new Error(`the read socket sent something that is not JSON: ${(error as Error).message}`));
      this.socket.destroy();
      return;
    }
    if ('notify' in reply) {
      for (const onNotify of this.listeners.get(reply.notify) ?? []) onNotify();
      return;
    }
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if ('error' in reply) waiting.reject(remoteError(reply.error));
    else waiting.resolve(reply);
  }

  /** The connection is gone: every read waiting on it fails (UNAVAILABLE), none waits forever. */
  private fail(cause: Error): void {
    this.closedError ??= new LedgerError('UNAVAILABLE', `lost the read socket of ${this.location}: ${cause.message}`,
      'The process that holds the store stopped; run the command again (it then opens the store itself).');
    for (const waiting of this.pending.values()) waiting.reject(this.closedError);
    this.pending.clear();
  }
}

/** An error the owning process reported, as the error it was there (the SQLSTATE kept for the adapters' mapping). */
function remoteError(error: WireError): Error {
  if (error.code !== undefined && Object.hasOwn(ERROR_CODES, error.code)) {
    return new LedgerError(error.code as ErrorCode, error.message, error.hint);
  }
  return Object.assign(new Error(error.message), error.code ? { code: error.code } : {});
}
