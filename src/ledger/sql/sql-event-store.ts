import { canonicalText } from '../canonical-text';
import type { ExpectedVersion, NewEvent, RecordedEvent } from '../../../domain/shared/event-envelope';
import { LedgerError } from '../../../domain/shared/ledger-error';
import type {
  AppendResult, EventStore, ReadAllOptions, ReadStreamOptions, SnapshotRecord, SubscribeOptions, Subscription,
  SubscriptionHandler,
} from '../event-store.port';
import { validateEvents, validateExpectedVersion, validateStreamId, type ValidEvent } from '../envelope-validation';
import { ChainVerifier, eventHash, eventHashFromText, GENESIS_HASH, type ChainBreak } from '../hash-chain';
import { integrityError, ReadVerifier } from '../read-verifier';
import { checkAllSnapshots, deleteSnapshotRow, latestSnapshotRow, saveSnapshotRow, snapshotProblem, type SnapshotFailure } from './snapshot-rows';
import { checkpointsBeyond, recordVerifiedHead, verifiedHeadRecord, type CheckpointFailure } from './verified-head';
import { PollingSubscription } from '../subscription';
import { UpcasterRegistry } from '../upcasters';
import { INSERT_EVENTS_SQL, insertEventsParams, selectEvents } from './event-rows';
import { prefetchingPages } from '../iterate-all';
import { AppendStateCache, type LogHead } from './append-state-cache';
import { copyRows, oneTripAppendStatements, STALE_GUESS_SQLSTATE } from './one-trip-append';
import { APPEND_LOCK_KEY, MIGRATE_LOCK_KEY, SCHEMA_SQL, SCHEMA_TABLE_SQL, SCHEMA_VERSION } from './schema';
import { sqlLiteral, sqlState, type SqlClient, type SqlExecutor } from './sql-client';

export interface SqlEventStoreOptions {
  readonly upcasters?: UpcasterRegistry;
  /** Called once after close (releases the embedded directory lock). */
  readonly onClose?: () => Promise<void> | void;
  /** Where a discarded snapshot is reported (default: a warning line on stderr). */
  readonly onIntegrityWarning?: (message: string) => void;
}

export interface IntegrityReport {
  readonly snapshots: { readonly checked: number; readonly failures: SnapshotFailure[] };
  readonly checkpoints: { readonly checked: number; readonly failures: CheckpointFailure[] };
}

export interface VerifiedSince {
  /** The position verified by an earlier run (0: none), from which this verification started. */
  readonly from: number;
  readonly head: number;
  readonly headHash: string;
  readonly checked: number;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly checked: number;
  readonly head: number;
  readonly headHash: string;
  readonly firstBreak: ChainBreak | null;
}

export interface ImportResult {
  readonly imported: number;
  /** Events in the input that the store already held, identical by position and hash. */
  readonly alreadyPresent: number;
  readonly head: number;
}

export interface ImportOptions {
  /** Refuses an event the application does not know; returns a reason, or null when acceptable. */
  readonly rejectEvent?: (event: RecordedEvent) => string | null;
}

const PAGE = 5000;

/** Appends NOTIFY this channel with their commit, so live subscriptions wake at once instead of at the next poll. */
const APPENDED_CHANNEL = 'nas_ledger_appended';

/**
 * The ledger's rules, written once against SqlClient. Appends serialize on one transaction-scoped advisory
 * lock: positions are head + 1 and commit in lock order, so a reader that sees position p has seen all below p.
 */
export class SqlEventStore implements EventStore {
  private readonly upcasters: UpcasterRegistry;
  private readonly subscriptions = new Set<PollingSubscription>();
  /** One LISTEN per store, started with the first subscription; null when it could not be set up (polling only). */
  private listening: Promise<(() => Promise<void>) | null> | null = null;
  private closed = false;
  private readonly appendState = new AppendStateCache();
  /** How appends were written: in one trip on guessed state, or under the lock after reading it (observability, tests). */
  readonly appendPaths = { oneTrip: 0, underLock: 0 };
  /** Every event a read returns is checked against its hash first, once per position per process. */
  private readonly reads = new ReadVerifier();
  /** Snapshots that failed their check on load, were discarded and rebuilt by replay (observability, tests). */
  readonly integrity = { snapshotsDiscarded: 0 };

  private constructor(readonly client: SqlClient, private readonly options: SqlEventStoreOptions) {
    this.upcasters = options.upcasters ?? new UpcasterRegistry();
  }

  /** Creates the schema if needed (serialized across processes) and returns a ready store. */
  static async open(client: SqlClient, options: SqlEventStoreOptions = {}): Promise<SqlEventStore> {
    // DDL on a live table would queue behind (and block) running appends, so it only runs when needed.
    if (!(await schemaIsCurrent(client))) {
      await client.transaction(async (tx) => {
        await tx.query(`select pg_advisory_xact_lock(${MIGRATE_LOCK_KEY})`);
        // Reading the version table (not just the catalog) after taking the lock sees a concurrent migrator's commit.
        await tx.query(SCHEMA_TABLE_SQL);
        const rows = await tx.query<{ v: number | null }>('select max(version) as v from ledger_schema');
        if ((rows[0]?.v ?? 0) >= SCHEMA_VERSION) return;
        for (const statement of splitStatements(SCHEMA_SQL)) await tx.query(statement);
      });
    }
    return new SqlEventStore(client, options);
  }

  get kind(): SqlClient['kind'] {
    return this.client.kind;
  }

  async append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    this.assertOpen();
    validateStreamId(streamId);
    const expected = validateExpectedVersion(expectedVersion);
    const valid = validateEvents(events);
    return (await this.appendInOneTrip(streamId, expected, valid)) ?? this.appendUnderLock(streamId, expected, valid);
  }

  /**
   * The fast path, on a server: chains the batch on the head and stream version this process last saw, and writes
   * it in one implicit transaction whose guard refuses stale guesses. Null when it cannot be taken or the guard
   * (or a reused event id) refused it: the slow path then decides with the state read under the lock.
   */
  private async appendInOneTrip(streamId: string, expected: ExpectedVersion, valid: readonly ValidEvent[]): Promise<AppendResult | null> {
    const head = this.appendState.head;
    if (!this.client.copyIn || !head) return null;
    const current = this.appendState.streamVersion(streamId) ??
      (expected === 'any' || expected === 'no_stream' ? -1 : typeof expected === 'number' ? expected : undefined);
    if (current === undefined || !expectationHolds(expected, current)) return null;
    const recorded = chainEvents(streamId, valid, current, head);
    try {
      await this.client.copyIn(oneTripAppendStatements(APPEND_LOCK_KEY, APPENDED_CHANNEL, streamId, head, current),
        copyRows(recorded, valid));
    } catch (error) {
      const state = sqlState(error);
      if (state === STALE_GUESS_SQLSTATE || state === '23505') return null;
      throw translateWriteError(error, streamId);
    }
    this.appendPaths.oneTrip++;
    return this.committed(streamId, recorded);
  }

  /** The slow path: reads the head and the stream's version under the lock, then decides and inserts. */
  private async appendUnderLock(streamId: string, expected: ExpectedVersion, valid: readonly ValidEvent[]): Promise<AppendResult> {
    try {
      const result = await this.client.transaction(async (tx, firstRows) => {
        const state = firstRows[0] as AppendState | undefined;
        if (Number(state?.known ?? 0) > 0) {
          const resent = await this.findResent(tx, streamId, valid);
          if (resent) return resent;
        }
        const current = state?.v ?? -1;
        checkHeadRow(state);
        const head: LogHead = { position: Number(state?.p ?? 0), hash: state?.h ?? GENESIS_HASH };
        checkExpected(streamId, expected, current);
        const recorded = chainEvents(streamId, valid, current, head);
        await tx.query(INSERT_EVENTS_SQL, insertEventsParams(recorded, valid));
        return recorded;
      }, { advisoryLock: APPEND_LOCK_KEY, firstStatement: appendStateSql(streamId, valid), notify: APPENDED_CHANNEL });
      if (!Array.isArray(result)) return result;
      this.appendPaths.underLock++;
      return this.committed(streamId, result);
    } catch (error) {
      throw translateWriteError(error, streamId);
    }
  }

  /** The result of a committed write; its end is the best guess for the next one-trip append. */
  private committed(streamId: string, recorded: readonly RecordedEvent[]): AppendResult {
    const last = recorded[recorded.length - 1]!;
    this.appendState.remember({ position: last.globalPosition, hash: last.hash }, streamId, last.streamVersion);
    return {
      streamId,
      lastStreamVersion: last.streamVersion,
      firstGlobalPosition: recorded[0]!.globalPosition,
      lastGlobalPosition: last.globalPosition,
      written: true,
    };
  }

  /** An idempotent re-send returns the first result; a reused id with other content is refused. */
  private async findResent(tx: SqlExecutor, streamId: string, events: readonly ValidEvent[]): Promise<AppendResult | null> {
    const rows = await selectEvents(tx, this.client.kind, 'from ledger_events where event_id = any($1::uuid[]) order by global_position',
      [events.map((e) => e.eventId)]);
    if (rows.length === 0) return null;
    const stored = new Map(rows.map((r) => [r.eventId, r]));
    for (const e of events) {
      const found = stored.get(e.eventId);
      if (!found) continue;
      const same = found.streamId === streamId && found.type === e.type && found.schemaVersion === e.schemaVersion &&
        canonicalText(found.data) === e.dataJson && canonicalText(found.metadata) === e.metadataJson;
      if (!same) {
        throw new LedgerError('CONFLICT',
          `event id ${e.eventId} is already recorded (stream ${found.streamId}, position ${found.globalPosition}) with different content`,
          'Event ids must be deterministic from the command that caused them; a new command needs a new command id.',
          { eventId: e.eventId, streamId, recordedStreamId: found.streamId, globalPosition: found.globalPosition });
      }
    }
    if (rows.length !== events.length) {
      throw new LedgerError('CONFLICT',
        `${rows.length} of the ${events.length} events in this batch are already recorded, the others are not`,
        'A batch is recorded whole or not at all; re-send exactly the original batch, or use new event ids.',
        { streamId, alreadyRecorded: rows.map((r) => r.eventId) });
    }
    const recorded = [...stored.values()];
    return {
      streamId,
      lastStreamVersion: Math.max(...recorded.map((e) => e.streamVersion)),
      firstGlobalPosition: Math.min(...recorded.map((e) => e.globalPosition)),
      lastGlobalPosition: Math.max(...recorded.map((e) => e.globalPosition)),
      written: false,
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    validateStreamId(streamId);
    const events = await selectEvents(this.client, this.client.kind,
      `from ledger_events where stream_id = $1 and stream_version >= $2
         and ($3::integer is null or stream_version <= $3) order by stream_version`,
      [streamId, options.from ?? 0, options.to ?? null]);
    this.reads.check(events);
    return this.upcast(events);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    return this.upcast(await this.readAllRaw(options));
  }

  private upcast(events: RecordedEvent[]): RecordedEvent[] {
    return this.upcasters.size === 0 ? events : events.map((e) => this.upcasters.apply(e));
  }

  /** As recorded, without upcasting: what export works on. Each event is checked against its hash first. */
  async readAllRaw(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const events = await this.readAllUnchecked(options);
    this.reads.check(events);
    return events;
  }

  /** Hash checks this process did on reads (benchmarks, tests). */
  get eventsHashedOnRead(): number {
    return this.reads.hashed;
  }

  /** As stored, unchecked: only for verify, which reports a failure instead of refusing it. */
  private async readAllUnchecked(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return selectEvents(this.client, this.client.kind,
      `from ledger_events where global_position > $1
         and ($2::bigint is null or global_position <= $2)
         and ($3::text[] is null or type = any($3::text[]))
       order by global_position limit $4`,
      [options.after ?? 0, options.upTo ?? null, options.types ? [...options.types] : null, options.limit ?? null]);
  }

  /** Pages through the log with bounded memory (two pages); for export, verify and large replays. */
  iterateRaw(options: Omit<ReadAllOptions, 'limit'> = {}, pageSize = PAGE): AsyncGenerator<RecordedEvent> {
    return prefetchingPages((after, limit) => this.readAllRaw({ ...options, after, limit }), options.after ?? 0, pageSize);
  }

  async head(): Promise<number> {
    this.assertOpen();
    const rows = await this.client.query<{ p: string | number | null }>('select max(global_position) as p from ledger_events');
    return Number(rows[0]?.p ?? 0);
  }

  subscribe(name: string, handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    if (!name || typeof name !== 'string') {
      throw new LedgerError('BAD_INPUT', 'a subscription needs a non-empty name', 'The name keys the stored checkpoint.');
    }
    this.listening ??= this.client.listen(APPENDED_CHANNEL, () => {
      for (const s of this.subscriptions) s.poke();
    }).catch(() => null);
    const subscription = new PollingSubscription(name, handler, options, {
      ready: this.listening,
      head: () => this.head(),
      read: (after, upTo, limit) => this.readAll({ after, upTo, types: options.types, limit }),
      loadCheckpoint: (n) => this.loadCheckpoint(n),
      saveCheckpoint: (n, p) => this.saveCheckpoint(n, p),
    }, () => this.subscriptions.delete(subscription));
    this.subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  async loadCheckpoint(name: string): Promise<number> {
    const rows = await this.client.query<{ position: string | number }>(
      'select position from ledger_checkpoints where name = $1', [name]);
    return Number(rows[0]?.position ?? 0);
  }

  async saveCheckpoint(name: string, position: number): Promise<void> {
    await this.client.query(
      `insert into ledger_checkpoints (name, position, updated_at) values ($1, $2, now())
       on conflict (name) do update set position = excluded.position, updated_at = excluded.updated_at`,
      [name, position]);
  }

  async saveSnapshot(snapshot: SnapshotRecord): Promise<void> {
    this.assertOpen();
    if (!snapshot.projection || !snapshot.projectionVersion || !Number.isInteger(snapshot.position) || snapshot.position < 0) {
      throw new LedgerError('BAD_INPUT', 'a snapshot needs projection, projectionVersion and an integer position >= 0',
        'Pass the position of the last event folded into the state.');
    }
    const chainHash = await this.verifiedHashAt(snapshot.position);
    if (chainHash === null) {
      throw new LedgerError('BAD_INPUT', `a snapshot at position ${snapshot.position} folds past the log's head`,
        'Snapshot a fold over events that are recorded: its position must be at most the head.', { position: snapshot.position });
    }
    await saveSnapshotRow(this.client, snapshot, chainHash);
  }

  /** The hash of the event at `position`, read (and so checked) like any event; GENESIS_HASH at 0; null past the head. */
  private async verifiedHashAt(position: number): Promise<string | null> {
    if (position === 0) return GENESIS_HASH;
    const [event] = await this.readAllRaw({ after: position - 1, limit: 1 });
    return event?.globalPosition === position ? event.hash : null;
  }

  async loadSnapshot(projection: string, projectionVersion: string, atOrBefore: number): Promise<SnapshotRecord | null> {
    this.assertOpen();
    // A snapshot that fails its check is discarded and reported; the next older one is tried, down to a replay.
    for (let bound = atOrBefore; ;) {
      const row = await latestSnapshotRow(this.client, projection, projectionVersion, bound);
      if (!row) return null;
      const position = Number(row.position);
      const problem = snapshotProblem(projection, projectionVersion, row, await this.verifiedHashAt(position));
      if (!problem) return { projection, projectionVersion, position, state: row.state };
      await deleteSnapshotRow(this.client, projection, projectionVersion, position).catch(() => undefined);
      this.integrity.snapshotsDiscarded++;
      const warn = this.options.onIntegrityWarning ?? ((m: string) => process.stderr.write(`nas-ledger: warning: ${m}\n`));
      warn(`discarded the snapshot of ${projection} (${projectionVersion}) at position ${position}: ${problem}; ` +
        'the view is rebuilt by replaying the log');
      bound = position - 1;
    }
  }

  async pruneSnapshots(projection: string, keepLatest: number): Promise<number> {
    this.assertOpen();
    if (!projection || typeof projection !== 'string' || !Number.isInteger(keepLatest) || keepLatest < 0) {
      throw new LedgerError('BAD_INPUT', 'pruneSnapshots needs a projection name and keepLatest, an integer >= 0',
        'Pass how many of the latest snapshots to keep per projection version (0 deletes them all).');
    }
    const rows = await this.client.query<{ n: string | number }>(
      `with pruned as (
         delete from ledger_snapshots s using (
           select projection_version, position, row_number() over (partition by projection_version order by position desc) as newest
           from ledger_snapshots where projection = $1) r
         where s.projection = $1 and s.projection_version = r.projection_version and s.position = r.position and r.newest > $2
         returning 1)
       select count(*) as n from pruned`, [projection, keepLatest]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Recomputes the whole chain from genesis; names the first position that does not verify. */
  async verify(): Promise<VerifyResult> {
    this.assertOpen();
    const verifier = new ChainVerifier();
    for await (const event of this.iterateUnchecked(0)) {
      if (!verifier.check(event)) break;
      this.reads.markVerified(event.globalPosition);
    }
    const head = await this.head();
    return { ok: verifier.firstBreak === null, checked: verifier.checked, head, headHash: verifier.lastHash, firstBreak: verifier.firstBreak };
  }

  private iterateUnchecked(after: number): AsyncGenerator<RecordedEvent> {
    return prefetchingPages((from, limit) => this.readAllUnchecked({ after: from, limit }), after, PAGE);
  }

  /** Checks every snapshot (content and chain hash) and every checkpoint (at most the head); for `events verify`. */
  async verifyDerived(head: number): Promise<IntegrityReport> {
    this.assertOpen();
    return { snapshots: await checkAllSnapshots(this.client), checkpoints: await checkpointsBeyond(this.client, head) };
  }

  /** Deletes the given snapshots (those verifyDerived found failing); returns how many. */
  async dropSnapshots(failures: readonly SnapshotFailure[]): Promise<number> {
    this.assertOpen();
    for (const f of failures) await deleteSnapshotRow(this.client, f.projection, f.projectionVersion, f.position);
    return failures.length;
  }

  /** The stored hash of the event at `position` (GENESIS_HASH at 0, null past the head), unchecked: for anchors after verify. */
  async storedHashAt(position: number): Promise<string | null> {
    this.assertOpen();
    if (position === 0) return GENESIS_HASH;
    const rows = await this.client.query<{ h: string }>('select hash as h from ledger_events where global_position = $1', [position]);
    return rows[0]?.h ?? null;
  }

  /** The head's position and hash, the head event checked against its hash: what `events head` publishes as an anchor. */
  async headAnchor(): Promise<{ position: number; hash: string }> {
    this.assertOpen();
    const position = await this.head();
    return { position, hash: (await this.verifiedHashAt(position)) ?? GENESIS_HASH };
  }

  /**
   * Verifies the chain from the position an earlier call recorded (which must still hold the hash it had) to the
   * head, then records the head. Throws INTEGRITY naming the first position that fails. For run and resume, which
   * must not append on a log that fails its hash.
   */
  async verifySinceLastVerified(): Promise<VerifiedSince> {
    this.assertOpen();
    const record = await verifiedHeadRecord(this.client);
    const from = record?.position ?? 0;
    const fromHash = record?.hash ?? GENESIS_HASH;
    if (record && from > 0) {
      const [event] = await this.readAllUnchecked({ after: from - 1, limit: 1 });
      if (event?.globalPosition !== from || event.hash !== fromHash || eventHash(event.prevHash, event) !== event.hash) {
        throw integrityError(from, `the event verified here on ${record.verifiedAt} is missing or no longer has its hash ${fromHash}`);
      }
    }
    const verifier = new ChainVerifier(from, fromHash, from === 0 ? undefined : 'unknown');
    for await (const event of this.iterateUnchecked(from)) {
      if (!verifier.check(event)) break;
      this.reads.markVerified(event.globalPosition);
    }
    if (verifier.firstBreak) throw integrityError(verifier.firstBreak.position, verifier.firstBreak.reason);
    const head = verifier.lastPosition;
    if (head > from) await recordVerifiedHead(this.client, head, verifier.lastHash);
    return { from, head, headHash: verifier.lastHash, checked: verifier.checked };
  }

  /**
   * Imports recorded events exactly (ids, positions, hashes) in one transaction. The input must verify as a chain
   * and continue this store: events the store already has must match it hash for hash; the rest start at head + 1.
   */
  async importEvents(source: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>, options: ImportOptions = {}): Promise<ImportResult> {
    this.assertOpen();
    return this.client.transaction(async (tx) => {
      const headRows = await tx.query<{ p: string | number; h: string }>(
        'select global_position as p, hash as h from ledger_events order by global_position desc limit 1');
      const storeHead = Number(headRows[0]?.p ?? 0);
      let verifier: ChainVerifier | null = storeHead === 0 ? new ChainVerifier() : null;
      let alreadyPresent = 0;
      let imported = 0;
      let batch: RecordedEvent[] = [];
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        await tx.query(INSERT_EVENTS_SQL, insertEventsParams(batch));
        imported += batch.length;
        batch = [];
      };
      let line = 0;
      for await (const raw of source as AsyncIterable<RecordedEvent>) {
        line++;
        const event = checkRecordedShape(raw, line);
        const rejection = options.rejectEvent?.(event);
        if (rejection) {
          throw new LedgerError('BAD_INPUT', `event ${line} (position ${event.globalPosition}, ${event.type} v${event.schemaVersion}): ${rejection}`,
            'Import only ledgers written by a compatible nas-ledger version; nothing was imported.', { line, globalPosition: event.globalPosition });
        }
        if (event.globalPosition <= storeHead) {
          const stored = await tx.query<{ h: string }>('select hash as h from ledger_events where global_position = $1', [event.globalPosition]);
          if (stored[0]?.h !== event.hash) {
            throw new LedgerError('REFUSED', `the file does not continue this store: position ${event.globalPosition} differs`,
              'Import into an empty store, or a file exported from this store and extended; nothing was imported.',
              { globalPosition: event.globalPosition });
          }
          alreadyPresent++;
          continue;
        }
        if (!verifier) verifier = await this.verifierAt(tx, event.globalPosition - 1, storeHead, event.prevHash);
        if (!verifier.check(event)) {
          const b = verifier.firstBreak!;
          throw new LedgerError('INTEGRITY', `the file's chain does not verify at position ${b.position}: ${b.reason}`,
            'The file was altered or truncated; export it again from the source store. Nothing was imported.',
            { globalPosition: b.position, line });
        }
        batch.push(event);
        if (batch.length >= 1000) await flush();
      }
      await flush();
      const head = Math.max(storeHead, verifier?.lastPosition ?? storeHead);
      this.appendState.forget();
      return { imported, alreadyPresent, head };
    }, { advisoryLock: APPEND_LOCK_KEY, notify: APPENDED_CHANNEL }).catch((error: unknown) => {
      throw translateWriteError(error, '(import)');
    });
  }

  /** A verifier that continues the stored chain at `position`, which must be the store's head. */
  private async verifierAt(tx: SqlExecutor, position: number, storeHead: number, prevHash: string): Promise<ChainVerifier> {
    if (position !== storeHead) {
      throw new LedgerError('REFUSED', `the file starts at position ${position + 1} but the store's head is ${storeHead}`,
        'The file must continue the store exactly (its first new event at head + 1); nothing was imported.');
    }
    const head = await tx.query<{ h: string }>('select hash as h from ledger_events where global_position = $1', [position]);
    const headHash = head[0]?.h ?? GENESIS_HASH;
    if (prevHash !== headHash) {
      throw new LedgerError('REFUSED', `the file does not continue this store: its event at position ${position + 1} follows another chain`,
        'Import into an empty store, or a file exported from this store and extended; nothing was imported.',
        { globalPosition: position + 1 });
    }
    const versions = await tx.query<{ s: string; v: number }>(
      'select stream_id as s, max(stream_version) as v from ledger_events group by stream_id');
    return new ChainVerifier(position, headHash, new Map(versions.map((r) => [r.s, r.v])));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await (await this.listening)?.().catch(() => undefined);
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

interface AppendState {
  readonly v: number | null;
  readonly p: string | number | null;
  readonly h: string | null;
  readonly ph: string | null;
  readonly id: string | null;
  readonly t: string | null;
  readonly sv: number | null;
  readonly d: unknown;
  readonly m: unknown;
  readonly s: string | null;
  readonly sver: number | null;
  readonly known: string | number;
}

/**
 * The stream's version, the log's head and how many of the batch's ids are recorded. Run as a new statement after
 * the lock, so its snapshot sees every append committed before the lock was granted. Values are inlined (it shares
 * a round trip with BEGIN and the lock): the stream id as a literal, the event ids validated as uuids.
 */
function appendStateSql(streamId: string, events: readonly ValidEvent[]): string {
  return `select (select max(stream_version) from ledger_events where stream_id = ${sqlLiteral(streamId)}) as v,
      head.global_position as p, head.hash as h, head.prev_hash as ph, head.event_id as id, head.type as t,
      head.schema_version as sv, head.data as d, head.metadata as m, head.stream_id as s, head.stream_version as sver,
      (select count(*) from ledger_events where event_id = any('{${events.map((e) => e.eventId).join(',')}}'::uuid[])) as known
    from (select 1) one
    left join lateral (select * from ledger_events order by global_position desc limit 1) head on true`;
}

/** An append never extends a chain whose head fails its hash: the full head row, read under the lock, is rehashed. */
function checkHeadRow(state: AppendState | undefined): void {
  if (!state || state.p === null || state.h === null) return;
  const position = Number(state.p);
  const recomputed = eventHash(state.ph ?? '', {
    eventId: state.id ?? '', type: state.t ?? '', schemaVersion: state.sv ?? 0, data: state.d, metadata: state.m as never,
    streamId: state.s ?? '', streamVersion: state.sver ?? 0, globalPosition: position,
  });
  if (recomputed !== state.h) {
    throw integrityError(position, 'the head of the log does not match its hash, so nothing is appended on it');
  }
}

async function schemaIsCurrent(sql: SqlExecutor): Promise<boolean> {
  const exists = await sql.query<{ t: string | null }>("select to_regclass('ledger_schema')::text as t");
  if (!exists[0]?.t) return false;
  const rows = await sql.query<{ v: number | null }>('select max(version) as v from ledger_schema');
  return (rows[0]?.v ?? 0) >= SCHEMA_VERSION;
}

function expectationHolds(expected: ExpectedVersion, current: number): boolean {
  return expected === 'any' ? true
    : expected === 'no_stream' ? current === -1
      : expected === 'stream_exists' ? current >= 0
        : expected === current;
}

/** Positions, versions and the hash chain for a batch appended after `head` to a stream at version `current`. */
function chainEvents(streamId: string, valid: readonly ValidEvent[], current: number, head: LogHead): RecordedEvent[] {
  let position = head.position;
  let prevHash = head.hash;
  return valid.map((e, i) => {
    position++;
    const content = {
      eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata,
      streamId, streamVersion: current + 1 + i, globalPosition: position,
    };
    const hash = eventHashFromText(prevHash, content, e.dataJson, e.metadataJson);
    const event: RecordedEvent = { ...content, hash, prevHash };
    prevHash = hash;
    return event;
  });
}

function checkExpected(streamId: string, expected: ExpectedVersion, current: number): void {
  if (expectationHolds(expected, current)) return;
  throw new LedgerError('CONFLICT',
    `stream ${streamId}: expected version ${describeVersion(expected)}, but it is at ${describeVersion(current)}`,
    'Another writer got there first: reload the stream, decide again, and append at its current version.',
    { streamId, expected, actual: current === -1 ? 'no_stream' : current });
}

function describeVersion(v: ExpectedVersion): string {
  return v === -1 || v === 'no_stream' ? 'no_stream (no events)' : String(v);
}

function translateWriteError(error: unknown, streamId: string): unknown {
  if (error instanceof LedgerError) return error;
  const state = sqlState(error);
  const message = error instanceof Error ? error.message : String(error);
  if (state === '23505') {
    return new LedgerError('CONFLICT', `stream ${streamId}: a concurrent write took the same version or event id (${message})`,
      'Reload the stream and retry.', { streamId });
  }
  if (state?.startsWith('22')) {
    return new LedgerError('BAD_INPUT', `event content cannot be stored: ${message}`,
      'JSON strings may not contain \\u0000 or unpaired surrogates; nothing was written.', { streamId });
  }
  return error;
}

function checkRecordedShape(raw: unknown, line: number): RecordedEvent {
  const e = raw as Partial<RecordedEvent> | null;
  const problem = (what: string): LedgerError => new LedgerError('BAD_INPUT', `event ${line}: ${what}`,
    'Each line must be one RecordedEvent as written by `nas-ledger events export`; nothing was imported.', { line });
  if (e === null || typeof e !== 'object') throw problem('not an object');
  if (!Number.isInteger(e.globalPosition) || (e.globalPosition as number) < 1) throw problem('globalPosition must be an integer >= 1');
  if (!Number.isInteger(e.streamVersion) || (e.streamVersion as number) < 0) throw problem('streamVersion must be an integer >= 0');
  for (const key of ['eventId', 'type', 'streamId', 'hash', 'prevHash'] as const) {
    if (typeof e[key] !== 'string' || (e[key] as string).length === 0) throw problem(`${key} must be a non-empty string`);
  }
  if (!Number.isInteger(e.schemaVersion)) throw problem('schemaVersion must be an integer');
  if (e.data === undefined || e.metadata === undefined) throw problem('data and metadata are required');
  return e as RecordedEvent;
}

/** Splits the schema script on top-level semicolons, keeping $$-quoted function bodies whole. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let inDollar = false;
  for (let i = 0; i < sql.length; i++) {
    if (sql.startsWith('$$', i)) {
      inDollar = !inDollar;
      current += '$$';
      i++;
      continue;
    }
    const ch = sql[i]!;
    if (ch === ';' && !inDollar) {
      if (current.trim()) out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
