import { PGlite } from '@electric-sql/pglite';
import type { SqlClient, SqlExecutor, TransactionOptions } from '../sql/sql-client';
import { corruptionError } from './corruption';

/** The embedded adapter: PostgreSQL compiled to WASM, one connection, persisted in a directory. */
export class PgliteClient implements SqlClient {
  readonly kind = 'pglite' as const;

  private constructor(private readonly db: PGlite, readonly location: string) {}

  static async open(dataDir: string): Promise<PgliteClient> {
    try {
      const db = await PGlite.create(dataDir);
      return new PgliteClient(db, dataDir);
    } catch (error) {
      throw corruptionError(error, dataDir, dataDir, true);
    }
  }

  /** Damaged pages and files are INTEGRITY naming the file; everything else passes through. */
  private damaged = (error: unknown): never => {
    throw corruptionError(error, this.location, this.location, true);
  };

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, [...params]).catch(this.damaged)).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql).catch(this.damaged);
  }

  transaction<T>(fn: (tx: SqlExecutor, firstRows: Record<string, unknown>[]) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.transactionUnmapped(fn, options).catch(this.damaged);
  }

  private transactionUnmapped<T>(fn: (tx: SqlExecutor, firstRows: Record<string, unknown>[]) => Promise<T>, options: TransactionOptions): Promise<T> {
    return this.db.transaction(async (tx) => {
      if (options.advisoryLock !== undefined) await tx.query(`select pg_advisory_xact_lock(${Math.trunc(options.advisoryLock)})`);
      const firstRows = options.firstStatement === undefined ? [] : (await tx.query<Record<string, unknown>>(options.firstStatement)).rows;
      const result = await fn({ query: async <R>(sql: string, params: readonly unknown[] = []) => (await tx.query<R>(sql, [...params])).rows }, firstRows);
      if (options.notify !== undefined) await tx.query(`notify ${options.notify}`);
      return result;
    });
  }

  /**
   * One statement in a READ ONLY transaction that is always rolled back: it can change neither rows nor this
   * connection's session (a SET is undone with it). What the read socket runs for other processes.
   */
  async readOnlyQuery(sql: string, params: readonly unknown[]): Promise<unknown[]> {
    return this.db.transaction(async (tx) => {
      await tx.query('set transaction read only');
      try {
        return (await tx.query(sql, [...params])).rows;
      } finally {
        await tx.rollback();
      }
    });
  }

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    const unlisten = await this.db.listen(channel, () => onNotify());
    return async () => { if (!this.db.closed) await unlisten(); };
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
