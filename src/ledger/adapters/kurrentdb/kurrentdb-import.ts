import type { RecordedEvent } from '../../../../domain/shared/event-envelope';
import { LedgerError } from '../../../../domain/shared/ledger-error';
import { canonicalText } from '../../canonical-text';
import { ChainVerifier } from '../../hash-chain';
import { checkImportLines, type ImportOptions } from '../../import-lines';
import type { ImportResult } from '../../sql/verify-import';
import type { KurrentDbAppends } from './kurrentdb-appends';
import type { KurrentDbLog } from './kurrentdb-log';
import { storedFromRecorded, type StoredRecord } from './kurrentdb-mapping';
import { ExpectedStateFailure, type KurrentDbStreams, type StreamWrite } from './kurrentdb-streams';

/** Events per transaction: each batch is one multi-stream append, so the store is always a verified prefix. */
const BATCH = 100;

/**
 * Imports recorded events exactly (ids, positions, hashes). The whole input is checked first (shape, the
 * application's rejectEvent, the events the store already has hash for hash, the chain of the rest), so a refused
 * import writes nothing. The new events are then written in batches, each one transaction at the exact head: an
 * import cut short leaves a verified prefix, and importing the same file again continues it.
 */
export async function importIntoKurrentDb(streams: KurrentDbStreams, log: KurrentDbLog, appends: KurrentDbAppends,
  source: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>, options: ImportOptions): Promise<ImportResult> {
  const storeHead = await log.checkedHead();
  const fresh: StoredRecord[] = [];
  const { alreadyPresent, head } = await checkImportLines(source, options, {
    head: storeHead,
    hashAt: (position) => log.hashAt(position),
    // Stream versions are checked by the server: each stream is written at the exact revision before its first event.
    verifierAfterHead: () => new ChainVerifier(storeHead.position, storeHead.hash, 'unknown'),
  }, (event) => {
    fresh.push(storedFromRecorded(event, canonicalText(event.data) ?? 'null', canonicalText(event.metadata) ?? 'null'));
  });
  for (let i = 0; i < fresh.length; i += BATCH) {
    try {
      await streams.appendAtomically(importWrites(appends, fresh.slice(i, i + BATCH)));
    } catch (error) {
      if (!(error instanceof ExpectedStateFailure)) throw error;
      throw new LedgerError('CONFLICT', `the import met a concurrent write at ${error.stream ?? 'a stream'}; ${i} events were imported`,
        'Stop other writers and run the import again: it continues from what is already there.', { imported: i });
    }
  }
  return { imported: fresh.length, alreadyPresent, head };
}

/** One batch: each stream at the revision before its first event, the log at the position before the batch, the ids. */
export function importWrites(appends: KurrentDbAppends, batch: readonly StoredRecord[]): StreamWrite[] {
  const byStream = new Map<string, StoredRecord[]>();
  for (const r of batch) byStream.set(r.streamId, [...(byStream.get(r.streamId) ?? []), r]);
  const head = batch[0]!.globalPosition - 1;
  const writes: StreamWrite[] = [];
  let logWrite: StreamWrite | null = null;
  for (const [streamId, records] of byStream) {
    const [streamWrite, log, ...claims] = appends.writesFor(streamId, records, records[0]!.streamVersion - 1, head);
    writes.push(streamWrite!, ...claims);
    logWrite ??= log!;
  }
  // The log takes the whole batch in position order, whatever streams the events belong to.
  const logEvents = batch.map((r) => appends.writesFor(r.streamId, [r], r.streamVersion - 1, head)[1]!.events[0]!);
  writes.push({ ...logWrite!, events: logEvents });
  return writes;
}
