import { inspect } from 'node:util';
import { Pool, type PoolClient, type QueryResult } from 'pg';
import { corruptionError } from './corruption';
import { LedgerError } from '../../../domain/shared/ledger-error';
import type { SqlClient, SqlExecutor, TransactionOptions } from '../sql/sql-client';
import { CopyInQuery } from './pg-copy-in';

/** node-postgres reports Errors; anything else it might hand over still rejects as an Error with the same text. */
const asError = (reason: unknown): Error =>
  (reason instanceof Error ? reason : new Error(typeof reason === 'string' ? reason : inspect(reason), { cause: reason }));

export const CONNECT_TIMEOUT_MS = 5000;

/** The server adapter: node-postgres pool; each transaction holds one pooled connection. */
export class PgClient implements SqlClient {
  readonly kind = 'postgres' as const;

  private readonly listeners = new Set<() => Promise<void>>();

  private constructor(private readonly pool: Pool, readonly location: string) {}

  /** Connects once up front so an unreachable server fails here, fast, with a hint. */
  static async open(url: string): Promise<PgClient> {
    const location = redact(url);
    const pool = new Pool({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, max: 10 });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      client.release();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new LedgerError('UNAVAILABLE', `cannot connect to PostgreSQL at ${location}: ${(error as Error).message}`,
        'Check that the server is running and the URL (host, port, user, password, database) is right, ' +
        'or leave --store / NAS_LEDGER_STORE unset to use the embedded store in ./.nas-ledger.',
        { store: location });
    }
    return new PgClient(pool, location);
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    try {
      return (await this.pool.query(sql, [...params])).rows as T[];
    } catch (error) {
      throw this.connectionError(error);
    }
  }

  async exec(sql: string): Promise<void> {
    await this.query(sql);
  }

  async transaction<T>(fn: (tx: SqlExecutor, firstRows: Record<string, unknown>[]) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.onPooledClient(async (client, markBroken) => {
      try {
        // One simple-protocol round trip for BEGIN, the lock and the first statement (each its own statement).
        const statements = ['begin'];
        if (options.advisoryLock !== undefined) statements.push(`select pg_advisory_xact_lock(${Math.trunc(options.advisoryLock)})`);
        if (options.firstStatement !== undefined) statements.push(options.firstStatement);
        const results = await client.query(statements.join('; ')) as unknown as QueryResult<Record<string, unknown>> | QueryResult<Record<string, unknown>>[];
        const firstRows = options.firstStatement !== undefined && Array.isArray(results) ? results[results.length - 1]!.rows : [];
        const result = await fn({ query: async <R>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, [...params])).rows as R[] },
          firstRows);
        await client.query(options.notify === undefined ? 'commit' : `notify ${options.notify}; commit`);
        return result;
      } catch (error) {
        await client.query('rollback').catch(markBroken);
        throw error;
      }
    });
  }

  async copyIn(statements: readonly string[], copyData: string): Promise<void> {
    await this.onPooledClient((client) => new Promise<void>((resolve, reject) => {
      client.query(new CopyInQuery(statements.join(';\n'), Buffer.from(copyData, 'utf8'),
        (error) => (error ? reject(asError(error)) : resolve())));
    }));
  }

  /**
   * Runs work on one pooled connection. A connection that was lost, or could not roll back, is destroyed rather than
   * given back to the pool. A drop is also emitted as an 'error' event; the failing query reports it.
   */
  private async onPooledClient<T>(work: (client: PoolClient, markBroken: () => void) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.pool.connect().catch((error: unknown) => { throw this.connectionError(error); });
    const ignore = (): void => undefined;
    client.on('error', ignore);
    let broken = false;
    try {
      return await work(client, () => { broken = true; });
    } catch (error) {
      const translated = this.connectionError(error);
      if (translated !== error) broken = true;
      throw translated;
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    // A pooled connection, held for as long as we listen (a LISTEN belongs to its session).
    const client = await this.pool.connect().catch((error: unknown) => { throw this.connectionError(error); });
    const onNotification = (message: { channel: string }): void => { if (message.channel === channel) onNotify(); };
    let released = false;
    const release = (broken: boolean): void => {
      if (released) return;
      released = true;
      client.off('notification', onNotification);
      this.listeners.delete(stop);
      client.release(broken);
    };
    client.on('error', () => release(true));
    client.on('notification', onNotification);
    const stop = async (): Promise<void> => {
      if (released) return;
      await client.query(`unlisten ${channel}`).then(() => release(false), () => release(true));
    };
    try {
      await client.query(`listen ${channel}`);
    } catch (error) {
      release(true);
      throw this.connectionError(error);
    }
    this.listeners.add(stop);
    return stop;
  }

  async close(): Promise<void> {
    // pool.end() waits for checked-out connections: the listening ones are given back first.
    await Promise.all([...this.listeners].map((stop) => stop()));
    await this.pool.end();
  }

  /** A lost server or connection becomes UNAVAILABLE (retryable); everything else passes through unchanged. */
  private connectionError(error: unknown): unknown {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : String(error);
    const lost = (typeof code === 'string' && (/^(08|57P0)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND'].includes(code))) ||
      /Connection terminated|timeout exceeded when trying to connect/i.test(message);
    if (!lost) return corruptionError(error, this.location, null);
    return new LedgerError('UNAVAILABLE', `lost the connection to PostgreSQL at ${this.location}: ${message}`,
      'Check that the server is running, then retry: an append re-sent with the same event ids is recorded once.', { store: this.location });
  }
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}
