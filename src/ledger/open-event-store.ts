import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LedgerError } from '../../domain/shared/ledger-error';
import { makeDirectory } from '../shared/make-directory';
import { acquireDirectoryLock, type DirectoryLock } from './adapters/embedded-lock';
import type { KurrentDbEventStore } from './adapters/kurrentdb/kurrentdb-event-store';
import { isKurrentDbUrl } from './adapters/kurrentdb/kurrentdb-url';
import { PgClient, redact } from './adapters/pg-client';
import { PgliteClient } from './adapters/pglite-client';
import { seedFromTemplate } from './adapters/pglite-template';
import type { EventStore } from './event-store.port';
import { openThroughReadSocket, serveReads } from './read-socket/read-through-socket';
import type { ReadSocketServer } from './read-socket/read-socket-server';
import { SqlEventStore } from './sql/sql-event-store';
import type { UpcasterRegistry } from './upcasters';

export const DEFAULT_STORE_DIR = './.nas-ledger';
export const STORE_ENV = 'NAS_LEDGER_STORE';

export interface OpenStoreOptions {
  readonly upcasters?: UpcasterRegistry;
  /** Where a snapshot that failed its check (discarded, rebuilt by replay) is reported; default: stderr. */
  readonly onIntegrityWarning?: (message: string) => void;
  /**
   * The caller only reads. Where another process holds the embedded store, it is then read through that process's
   * read socket instead of failing with LOCKED (writes through it are still refused with LOCKED).
   */
  readonly forReading?: boolean;
}

export type StoreLocation =
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'kurrentdb'; readonly url: string }
  | { readonly kind: 'pglite'; readonly directory: string };

const SCHEMES_HINT = 'Use postgres://user:pass@host:port/db (or postgresql://), kurrentdb://host:2113 (or esdb://), file:/path/to/dir, ' +
  'or a directory path; ' +
  `unset, it is $${STORE_ENV} and then ${DEFAULT_STORE_DIR}.`;

/** Resolves --store / NAS_LEDGER_STORE / the default into an adapter and a location. */
export function resolveStoreLocation(url?: string): StoreLocation {
  const chosen = url ?? (process.env[STORE_ENV] || undefined) ?? DEFAULT_STORE_DIR;
  if (typeof chosen !== 'string' || chosen.trim() === '') {
    throw new LedgerError('BAD_INPUT', 'the store location is empty', SCHEMES_HINT);
  }
  if (/^postgres(ql)?:\/\//i.test(chosen)) return { kind: 'postgres', url: chosen };
  if (isKurrentDbUrl(chosen)) return { kind: 'kurrentdb', url: chosen };
  if (/^file:/i.test(chosen)) {
    const directory = chosen.startsWith('file://') ? fileURLToPath(chosen) : chosen.slice('file:'.length);
    if (!directory) throw new LedgerError('BAD_INPUT', `no directory in store URL ${chosen}`, SCHEMES_HINT);
    return { kind: 'pglite', directory: resolve(directory) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(chosen) || (/^[a-z][a-z0-9+.-]+:/i.test(chosen) && !isAbsolute(chosen))) {
    throw new LedgerError('BAD_INPUT', `unsupported store URL scheme in ${redact(chosen)}`, SCHEMES_HINT,
      { supported: ['postgres://', 'postgresql://', 'kurrentdb://', 'esdb://', 'file:', '<directory path>'] });
  }
  return { kind: 'pglite', directory: resolve(chosen) };
}

/** Opens the store with all its admin operations (verify, export, import); most code wants openEventStore. */
export async function openSqlEventStore(url?: string, options: OpenStoreOptions = {}): Promise<SqlEventStore> {
  const location = resolveStoreLocation(url);
  if (location.kind === 'kurrentdb') {
    throw new LedgerError('UNSUPPORTED', `${redact(location.url)} is a KurrentDB store, not a SQL one`,
      'Open it with openLedgerStore (the same admin operations: verify, export, import) or openEventStore.');
  }
  if (location.kind === 'postgres') {
    const client = await PgClient.open(location.url);
    try {
      return await SqlEventStore.open(client, { upcasters: options.upcasters, onIntegrityWarning: options.onIntegrityWarning });
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
  }
  return openEmbedded(location.directory, options);
}

/**
 * The one way in: `postgres://…` opens PostgreSQL, `kurrentdb://…` KurrentDB, a directory or `file:` the embedded PGlite store
 * (created on first use). Unset, it uses $NAS_LEDGER_STORE, then ./.nas-ledger.
 */
export async function openEventStore(url?: string, options: OpenStoreOptions = {}): Promise<EventStore> {
  return openLedgerStore(url, options);
}

/** Any store with its admin operations (verify, export, import, anchors): SQL (PostgreSQL, PGlite) or KurrentDB. */
export type LedgerStore = SqlEventStore | KurrentDbEventStore;

/** `kurrentdb://…` (or `esdb://…`) opens KurrentDB 25.1+; everything else as openSqlEventStore. */
export async function openLedgerStore(url?: string, options: OpenStoreOptions = {}): Promise<LedgerStore> {
  const location = resolveStoreLocation(url);
  if (location.kind === 'kurrentdb') {
    // Loaded only here: the KurrentDB client (gRPC, protobuf, a native bridge) takes over a second to load.
    const { openKurrentDbEventStore } = await import('./adapters/kurrentdb/open-kurrentdb');
    return openKurrentDbEventStore(location.url, { upcasters: options.upcasters, onIntegrityWarning: options.onIntegrityWarning });
  }
  return openSqlEventStore(url, options);
}

async function openEmbedded(directory: string, options: OpenStoreOptions): Promise<SqlEventStore> {
  try {
    makeDirectory(directory); // not mkdirSync(recursive): it spins forever under /proc
  } catch (error) {
    throw new LedgerError('UNAVAILABLE', `cannot create the ledger directory ${directory}: ${(error as Error).message}`,
      'Choose a writable directory with --store or NAS_LEDGER_STORE.');
  }
  let lock: DirectoryLock;
  try {
    lock = acquireDirectoryLock(directory);
  } catch (error) {
    if (options.forReading && error instanceof LedgerError && error.code === 'LOCKED') {
      return openThroughReadSocket(directory, error, { upcasters: options.upcasters, onIntegrityWarning: options.onIntegrityWarning });
    }
    throw error;
  }
  try {
    const pgdata = join(directory, 'pgdata');
    await seedFromTemplate(pgdata);
    const client = await PgliteClient.open(pgdata);
    try {
      let readSocket: ReadSocketServer | null = null;
      const onClose = async (): Promise<void> => {
        try {
          await readSocket?.close();
        } finally {
          lock.release();
        }
      };
      const store = await SqlEventStore.open(client, { upcasters: options.upcasters, onIntegrityWarning: options.onIntegrityWarning, onClose });
      // Served once the schema is in place; other processes read through it until this store is closed.
      readSocket = await serveReads(directory, client);
      return store;
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
  } catch (error) {
    lock.release();
    if (error instanceof LedgerError) throw error;
    throw new LedgerError('UNAVAILABLE', `cannot open the embedded ledger in ${directory}: ${(error as Error).message}`,
      'Check that the directory holds a nas-ledger store and is not damaged; `nas-ledger events verify` checks its contents.',
      { directory });
  }
}
