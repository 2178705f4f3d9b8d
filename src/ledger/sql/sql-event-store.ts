import type { ExpectedVersion, NewEvent, RecordedEvent } from '../../../domain/shared/event-envelope';
import { LedgerError } from '../../../domain/shared/ledger-error';
import type {
  AppendResult, EventStore, ReadAllOptions, ReadStreamOptions, SnapshotRecord, SubscribeOptions, Subscription,
  SubscriptionHandler,
} from '../event-store.port';
import { GENESIS_HASH } from '../hash-chain';
import { ledgerUpcasters, type UpcasterRegistry } from '../upcasters';
import { SqlAppends } from './appends';
import { loadCheckpoint, saveCheckpoint, SqlSubscriptions } from './checkpoints';
import { ensureSchema } from './migrate';
import { PAGE, SqlReads } from './reads';
import type { SnapshotFailure } from './snapshot-rows';
import { SqlSnapshots } from './snapshots';
import type { SqlClient } from './sql-client';
import * as verification from './verify-import';
import type { ImportOptions, ImportResult, IntegrityReport, VerifiedSince, VerifyResult } from './verify-import';

export { splitStatements } from './migrate';
export type { ImportOptions, ImportResult, IntegrityReport, VerifiedSince, VerifyResult } from './verify-import';

export interface SqlEventStoreOptions {
  readonly upcasters?: UpcasterRegistry;
  /** Called once after close (releases the embedded directory lock). */
  readonly onClose?: () => Promise<void> | void;
  /** Where a discarded snapshot is reported (default: a warning line on stderr). */
  readonly onIntegrityWarning?: (message: string) => void;
}

/**
 * The ledger's rules, written once against SqlClient, as one EventStore. Each job lives in its own room and this
 * class delegates: appends (appends.ts), reads checked against their hashes (reads.ts), subscriptions and their
 * checkpoints (checkpoints.ts), snapshots (snapshots.ts), verification and import (verify-import.ts), the schema
 * (migrate.ts).
 */
export class SqlEventStore implements EventStore {
  private closed = false;
  private readonly appends: SqlAppends;
  private readonly reads: SqlReads;
  private readonly snapshots: SqlSnapshots;
  private readonly subscriptions: SqlSubscriptions;
  /** How appends were written: in one trip on guessed state, or under the lock after reading it (observability, tests). */
  readonly appendPaths: SqlAppends['paths'];
  /** Snapshots that failed their check on load, were discarded and rebuilt by replay (observability, tests). */
  readonly integrity: SqlSnapshots['integrity'];

  private constructor(readonly client: SqlClient, private readonly options: SqlEventStoreOptions) {
    this.appends = new SqlAppends(client);
    this.reads = new SqlReads(client, options.upcasters ?? ledgerUpcasters());
    this.snapshots = new SqlSnapshots(client, this.reads, options.onIntegrityWarning);
    this.subscriptions = new SqlSubscriptions(client, this.reads);
    this.appendPaths = this.appends.paths;
    this.integrity = this.snapshots.integrity;
  }

  /** Creates the schema if needed (serialized across processes) and returns a ready store. */
  static async open(client: SqlClient, options: SqlEventStoreOptions = {}): Promise<SqlEventStore> {
    await ensureSchema(client);
    return new SqlEventStore(client, options);
  }

  get kind(): SqlClient['kind'] {
    return this.client.kind;
  }

  async append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    this.assertOpen();
    return this.appends.append(streamId, events, expectedVersion);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    return this.reads.readStream(streamId, options);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    return this.reads.readAll(options);
  }

  /** As recorded, without upcasting: what export works on. Each event is checked against its hash first. */
  async readAllRaw(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.reads.readAllRaw(options);
  }

  /** Hash checks this process did on reads (benchmarks, tests). */
  get eventsHashedOnRead(): number {
    return this.reads.verifier.hashed;
  }

  /**
   * Of those, events hashed from their parsed values (serialized again) rather than on their stored text: every event
   * of a store with `jsonb` columns, in a `json` store only those whose text did not hash right (tests).
   */
  get eventsHashedFromParsedOnRead(): number {
    return this.reads.verifier.hashedFromParsed;
  }

  /** Pages through the log with bounded memory (two pages); for export, verify and large replays. */
  iterateRaw(options: Omit<ReadAllOptions, 'limit'> = {}, pageSize = PAGE): AsyncGenerator<RecordedEvent> {
    return this.reads.iterateRaw(options, pageSize);
  }

  async head(): Promise<number> {
    this.assertOpen();
    return this.reads.head();
  }

  subscribe(name: string, handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    return this.subscriptions.subscribe(name, handler, options);
  }

  async loadCheckpoint(name: string): Promise<number> {
    return loadCheckpoint(this.client, name);
  }

  async saveCheckpoint(name: string, position: number): Promise<void> {
    await saveCheckpoint(this.client, name, position);
  }

  async saveSnapshot(snapshot: SnapshotRecord): Promise<void> {
    this.assertOpen();
    await this.snapshots.save(snapshot);
  }

  async loadSnapshot(projection: string, projectionVersion: string, atOrBefore: number): Promise<SnapshotRecord | null> {
    this.assertOpen();
    return this.snapshots.load(projection, projectionVersion, atOrBefore);
  }

  async pruneSnapshots(projection: string, keepLatest: number): Promise<number> {
    this.assertOpen();
    return this.snapshots.prune(projection, keepLatest);
  }

  /** Recomputes the whole chain from genesis; names the first position that does not verify. */
  async verify(): Promise<VerifyResult> {
    this.assertOpen();
    return verification.verifyChain(this.reads);
  }

  /** Checks every snapshot (content and chain hash) and every checkpoint (at most the head); for `events verify`. */
  async verifyDerived(head: number): Promise<IntegrityReport> {
    this.assertOpen();
    return verification.verifyDerived(this.client, head);
  }

  /** Deletes the given snapshots (those verifyDerived found failing); returns how many. */
  async dropSnapshots(failures: readonly SnapshotFailure[]): Promise<number> {
    this.assertOpen();
    return this.snapshots.drop(failures);
  }

  /** The stored hash of the event at `position` (GENESIS_HASH at 0, null past the head), unchecked: for anchors after verify. */
  async storedHashAt(position: number): Promise<string | null> {
    this.assertOpen();
    return this.reads.storedHashAt(position);
  }

  /** The head's position and hash, the head event checked against its hash: what `events head` publishes as an anchor. */
  async headAnchor(): Promise<{ position: number; hash: string }> {
    this.assertOpen();
    const position = await this.reads.head();
    return { position, hash: (await this.reads.verifiedHashAt(position)) ?? GENESIS_HASH };
  }

  /**
   * Verifies the chain from the position an earlier call recorded (which must still hold the hash it had) to the
   * head, then records the head. Throws INTEGRITY naming the first position that fails. For run and resume, which
   * must not append on a log that fails its hash.
   */
  async verifySinceLastVerified(): Promise<VerifiedSince> {
    this.assertOpen();
    return verification.verifySinceLastVerified(this.client, this.reads);
  }

  /**
   * Imports recorded events exactly (ids, positions, hashes) in one transaction. The input must verify as a chain
   * and continue this store: events the store already has must match it hash for hash; the rest start at head + 1.
   */
  async importEvents(source: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>, options: ImportOptions = {}): Promise<ImportResult> {
    this.assertOpen();
    try {
      return await verification.importEvents(this.client, source, options);
    } finally {
      // The head moved behind the append path's back: its guesses are stale (the guard would refuse them anyway).
      this.appends.forgetState();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.subscriptions.stopAll();
    try {
      await this.client.close();
    } finally {
      await this.options.onClose?.();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new LedgerError('UNAVAILABLE', 'the event store is closed', 'Open it again with openEventStore().');
  }
}
