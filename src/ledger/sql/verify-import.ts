import type { RecordedEvent } from '../../../domain/shared/event-envelope';
import { ChainVerifier, eventHash, GENESIS_HASH, type ChainBreak } from '../hash-chain';
import { checkImportLines, type ImportOptions } from '../import-lines';
import { integrityError } from '../read-verifier';
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

export type { ImportOptions } from '../import-lines';

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
    const storeHead = { position: Number(headRows[0]?.p ?? 0), hash: headRows[0]?.h ?? GENESIS_HASH };
    let imported = 0;
    let batch: RecordedEvent[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      await tx.query(INSERT_EVENTS_SQL, insertEventsParams(batch));
      imported += batch.length;
      batch = [];
    };
    const { alreadyPresent, head } = await checkImportLines(source, options, {
      head: storeHead,
      hashAt: async (position) => (await tx.query<{ h: string }>('select hash as h from ledger_events where global_position = $1', [position]))[0]?.h,
      verifierAfterHead: () => verifierAfter(tx, storeHead),
    }, async (event) => {
      batch.push(event);
      if (batch.length >= 1000) await flush();
    });
    await flush();
    return { imported, alreadyPresent, head };
  }, { advisoryLock: APPEND_LOCK_KEY, notify: APPENDED_CHANNEL }).catch((error: unknown) => {
    throw translateWriteError(error, '(import)');
  });
}

/** A verifier that continues the stored chain after its head, knowing every stream's version there. */
async function verifierAfter(tx: SqlExecutor, head: { readonly position: number; readonly hash: string }): Promise<ChainVerifier> {
  const versions = await tx.query<{ s: string; v: number }>(
    'select stream_id as s, max(stream_version) as v from ledger_events group by stream_id');
  return new ChainVerifier(head.position, head.hash, new Map(versions.map((r) => [r.s, r.v])));
}
