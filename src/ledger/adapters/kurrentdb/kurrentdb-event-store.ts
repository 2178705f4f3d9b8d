import { randomUUID } from 'node:crypto';
import { END, type KurrentDBClient, type StreamSubscription } from '@kurrent/kurrentdb-client';
import type { ExpectedVersion, NewEvent, RecordedEvent } from '../../../../domain/shared/event-envelope';
import { LedgerError } from '../../../../domain/shared/ledger-error';
import type {
  AppendResult, EventStore, ReadAllOptions, ReadStreamOptions, SnapshotRecord, SubscribeOptions, Subscription, SubscriptionHandler,
} from '../../event-store.port';
import { ChainVerifier, GENESIS_HASH } from '../../hash-chain';
import { integrityError } from '../../read-verifier';
import type { SnapshotFailure } from '../../sql/snapshot-rows';
import type { ImportOptions, ImportResult, IntegrityReport, VerifiedSince, VerifyResult } from '../../sql/verify-import';
import { PollingSubscription } from '../../subscription';
import { ledgerUpcasters, type UpcasterRegistry } from '../../upcasters';
import { KurrentDbAppends } from './kurrentdb-appends';
import { KurrentDbDerived } from './kurrentdb-derived';
import { importIntoKurrentDb } from './kurrentdb-import';
import { KurrentDbLog, PAGE } from './kurrentdb-log';
import { LedgerStreams, parseStoredRecord, recordedEvent } from './kurrentdb-mapping';
import { KurrentDbStreams } from './kurrentdb-streams';

export interface KurrentDbEventStoreOptions {
  readonly upcasters?: UpcasterRegistry;
  readonly onIntegrityWarning?: (message: string) => void;
}

/**
 * The ledger on KurrentDB (25.1+): the same contract as the SQL store, with the same admin operations (verify,
 * import, anchors) so `events verify`, export and import work on it. docs/ledger.md explains the stream layout.
 */
export class KurrentDbEventStore implements EventStore {
  readonly kind = 'kurrentdb' as const;
  private closed = false;
  private readonly streams: KurrentDbStreams;
  private readonly names: LedgerStreams;
  private readonly log: KurrentDbLog;
  private readonly appends: KurrentDbAppends;
  private readonly derived: KurrentDbDerived;
  private readonly upcasters: UpcasterRegistry;
  private readonly live = new Set<PollingSubscription>();
  private wakeUps: StreamSubscription | null = null;
  private wakeUpsReady: Promise<unknown> = Promise.resolve();

  constructor(client: KurrentDBClient, ledger: string, options: KurrentDbEventStoreOptions = {}) {
    this.streams = new KurrentDbStreams(client);
    this.names = new LedgerStreams(ledger);
    this.log = new KurrentDbLog(this.streams, this.names);
    this.appends = new KurrentDbAppends(this.streams, this.names, this.log);
    this.derived = new KurrentDbDerived(this.streams, this.names, this.log,
      options.onIntegrityWarning ?? ((m) => process.stderr.write(`warning: ${m}\n`)));
    this.upcasters = options.upcasters ?? ledgerUpcasters();
  }

  get integrity(): { snapshotsDiscarded: number } {
    return this.derived.integrity;
  }

  async append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    this.assertOpen();
    return this.appends.append(streamId, events, expectedVersion);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    return (await this.log.readStream(streamId, options)).map((e) => this.upcasters.apply(e));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    return (await this.log.readAll(options)).map((e) => this.upcasters.apply(e));
  }

  /** As recorded, without upcasting: what export works on. */
  async readAllRaw(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    return this.log.readAll(options);
  }

  iterateRaw(options: Omit<ReadAllOptions, 'limit'> = {}, pageSize = PAGE): AsyncGenerator<RecordedEvent> {
    this.assertOpen();
    return this.log.iterate(options, pageSize);
  }

  async head(): Promise<number> {
    this.assertOpen();
    return this.log.head();
  }

  subscribe(name: string, handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    this.listenForAppends();
    const types = options.types;
    const subscription: PollingSubscription = new PollingSubscription(name, handler, options, {
      head: () => this.log.head(),
      read: (after, upTo, limit) => this.readAll({ after, upTo, limit, types }),
      loadCheckpoint: (n) => this.loadCheckpoint(n),
      saveCheckpoint: (n, p) => this.saveCheckpoint(n, p),
      ready: this.wakeUpsReady,
    }, () => this.live.delete(subscription));
    this.live.add(subscription);
    subscription.start();
    return subscription;
  }

  async loadCheckpoint(name: string): Promise<number> {
    return this.derived.loadCheckpoint(name);
  }

  async saveCheckpoint(name: string, position: number): Promise<void> {
    await this.derived.saveCheckpoint(name, position);
  }

  async saveSnapshot(snapshot: SnapshotRecord): Promise<void> {
    this.assertOpen();
    await this.derived.saveSnapshot(snapshot);
  }

  async loadSnapshot(projection: string, projectionVersion: string, atOrBefore: number): Promise<SnapshotRecord | null> {
    this.assertOpen();
    return this.derived.loadSnapshot(projection, projectionVersion, atOrBefore);
  }

  async pruneSnapshots(projection: string, keepLatest: number): Promise<number> {
    this.assertOpen();
    return this.derived.pruneSnapshots(projection, keepLatest);
  }

  /** Recomputes the whole chain from genesis over the log stream; names the first position that does not verify. */
  async verify(): Promise<VerifyResult> {
    this.assertOpen();
    const verifier = new ChainVerifier();
    for await (const found of this.log.iterateUnchecked(0)) {
      const record = parseStoredRecord(found.data);
      const position = Number(found.revision) + 1;
      if (!record) {
        verifier.firstBreak = { position, reason: 'the stored event is not a ledger record' };
        break;
      }
      if (!verifier.check(recordedEvent(record))) break;
    }
    const head = await this.log.head();
    return { ok: verifier.firstBreak === null, checked: verifier.checked, head, headHash: verifier.lastHash, firstBreak: verifier.firstBreak };
  }

  async verifyDerived(head: number): Promise<IntegrityReport> {
    this.assertOpen();
    return { snapshots: await this.derived.checkAllSnapshots(), checkpoints: await this.derived.checkpointsBeyond(head) };
  }

  async dropSnapshots(failures: readonly SnapshotFailure[]): Promise<number> {
    this.assertOpen();
    return this.derived.drop(failures);
  }

  async storedHashAt(position: number): Promise<string | null> {
    this.assertOpen();
    if (position === 0) return GENESIS_HASH;
    const [found] = await this.streams.read(this.names.log, BigInt(position - 1), 1);
    return parseStoredRecord(found?.data)?.hash ?? null;
  }

  async headAnchor(): Promise<{ position: number; hash: string }> {
    this.assertOpen();
    return this.log.checkedHead();
  }

  /** As the SQL store: from the recorded verified position (which must still hold its hash) to the head. */
  async verifySinceLastVerified(): Promise<VerifiedSince> {
    this.assertOpen();
    const last = await this.streams.readLast(this.names.verified);
    const record = last?.data as { position: number; hash: string; verifiedAt: string } | undefined;
    const from = record?.position ?? 0;
    const fromHash = record?.hash ?? GENESIS_HASH;
    if (record && from > 0) {
      const [found] = await this.streams.read(this.names.log, BigInt(from - 1), 1);
      const event = parseStoredRecord(found?.data);
      const ok = event !== null && (() => { try { return this.checkedHash(event) === fromHash; } catch { return false; } })();
      if (!ok) throw integrityError(from, `the event verified here on ${record.verifiedAt} is missing or no longer has its hash ${fromHash}`);
    }
    const verifier = new ChainVerifier(from, fromHash, from === 0 ? undefined : 'unknown');
    for await (const found of this.log.iterateUnchecked(from)) {
      const stored = parseStoredRecord(found.data);
      if (!stored) throw integrityError(Number(found.revision) + 1, 'the stored event is not a ledger record');
      if (!verifier.check(recordedEvent(stored))) break;
    }
    if (verifier.firstBreak) throw integrityError(verifier.firstBreak.position, verifier.firstBreak.reason);
    const head = verifier.lastPosition;
    if (head > from) {
      await this.streams.appendAtomically([{ stream: this.names.verified, expected: 'any', events: [{
        id: randomUUID(), type: 'nas-ledger.ChainVerified', data: { position: head, hash: verifier.lastHash, verifiedAt: new Date().toISOString() },
      }] }]);
    }
    return { from, head, headHash: verifier.lastHash, checked: verifier.checked };
  }

  async importEvents(source: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>, options: ImportOptions = {}): Promise<ImportResult> {
    this.assertOpen();
    return importIntoKurrentDb(this.streams, this.log, this.appends, source, options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.live].map((s) => s.stop()));
    await this.wakeUps?.unsubscribe().catch(() => undefined);
    await this.streams.dispose();
  }

  private checkedHash(record: NonNullable<ReturnType<typeof parseStoredRecord>>): string {
    const verifier = new ChainVerifier(record.globalPosition - 1, record.prevHash, 'unknown');
    if (!verifier.check(recordedEvent(record))) throw new Error('hash');
    return record.hash;
  }

  /** One live subscription to the log per store: each append wakes the polling subscriptions at once. */
  private listenForAppends(): void {
    if (this.wakeUps) return;
    const wakeUps = this.streams.client.subscribeToStream(this.names.log, { fromRevision: END });
    this.wakeUps = wakeUps;
    this.wakeUpsReady = new Promise<void>((resolve) => {
      wakeUps.once('confirmation', () => resolve());
      wakeUps.once('error', () => resolve());
      setTimeout(resolve, 2000).unref();
    });
    wakeUps.on('data', () => { for (const s of this.live) s.poke(); });
    // A dropped wake-up stream only costs latency: the subscriptions still poll.
    wakeUps.on('error', () => { this.wakeUps = null; });
  }

  private assertOpen(): void {
    if (this.closed) throw new LedgerError('UNAVAILABLE', 'the KurrentDB ledger store is closed', 'Open the store again.');
  }
}
