import type { RecordedEvent } from '../../../domain/shared/event-envelope';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { ChainVerifier, eventHash, GENESIS_HASH, type ChainBreak } from '../hash-chain';
import { integrityError } from '../read-verifier';
import { checkRecordedShape } from '../envelope-validation';
import { translateWriteError } from './appends';
import { INSERT_EVENTS_SQL, insertEventsParams } from './event-rows';
import type { SqlReads } from './reads';
import { APPEND_LOCK_KEY, APPENDED_CHANNEL } from './schema';
import { checkAllSnapshots, type SnapshotFailure } from './snapshot-rows';
import type { SqlClient, SqlExecutor } from './sql-client';
import { checkpointsBeyond, recordVerifiedHead, verifiedHeadRecord, type CheckpointFailure } from './verified-head';

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

/** Recomputes the whole chain from genesis; names the first position that does not verify. */
export async function verifyChain(reads: SqlReads): Promise<VerifyResult> {
  const verifier = new ChainVerifier();
  for await (const event of reads.iterateUnchecked(0)) {
    if (!verifier.check(event)) break;
    reads.verifier.markVerified(event.globalPosition);
  }
  const head = await reads.head();
  return { ok: verifier.firstBreak === null, checked: verifier.checked, head, headHash: verifier.lastHash, firstBreak: verifier.firstBreak };
}

/**
 * Verifies the chain from the position an earlier call recorded (which must still hold the hash it had) to the
 * head, then records the head. Throws INTEGRITY naming the first position that fails.
 */
export async function verifySinceLastVerified(sql: SqlExecutor, reads: SqlReads): Promise<VerifiedSince> {
  const record = await verifiedHeadRecord(sql);
  const from = record?.position ?? 0;
  const fromHash = record?.hash ?? GENESIS_HASH;
  if (record && from > 0) {
    const [event] = await reads.readAllUnchecked({ after: from - 1, limit: 1 });
    if (event?.globalPosition !== from || event.hash !== fromHash || eventHash(event.prevHash, event) !== event.hash) {
      throw integrityError(from, `the event verified here on ${record.verifiedAt} is missing or no longer has its hash ${fromHash}`);
    }
  }
  const verifier = new ChainVerifier(from, fromHash, from === 0 ? undefined : 'unknown');
  for await (const event of reads.iterateUnchecked(from)) {
    if (!verifier.check(event)) break;
    reads.verifier.markVerified(event.globalPosition);
  }
  if (verifier.firstBreak) throw integrityError(verifier.firstBreak.position, verifier.firstBreak.reason);
  const head = verifier.lastPosition;
  if (head > from) await recordVerifiedHead(sql, head, verifier.lastHash);
  return { from, head, headHash: verifier.lastHash, checked: verifier.checked };
}

/** Checks every snapshot (content and chain hash) and every checkpoint (at most the head). */
export async function verifyDerived(sql: SqlExecutor, head: number): Promise<IntegrityReport> {
  return { snapshots: await checkAllSnapshots(sql), checkpoints: await checkpointsBeyond(sql, head) };
}

/**
 * Imports recorded events exactly (ids, positions, hashes) in one transaction under the append lock. The input must
 * verify as a chain and continue the store: events the store already has must match it hash for hash; the rest
 * start at head + 1.
 */
export async function importEvents(client: SqlClient, source: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>,
  options: ImportOptions = {}): Promise<ImportResult> {
  return client.transaction(async (tx) => {
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
      verifier ??= await verifierAt(tx, event.globalPosition - 1, storeHead, event.prevHash);
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
    return { imported, alreadyPresent, head };
  }, { advisoryLock: APPEND_LOCK_KEY, notify: APPENDED_CHANNEL }).catch((error: unknown) => {
    throw translateWriteError(error, '(import)');
  });
}

/** A verifier that continues the stored chain at `position`, which must be the store's head. */
async function verifierAt(tx: SqlExecutor, position: number, storeHead: number, prevHash: string): Promise<ChainVerifier> {
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
