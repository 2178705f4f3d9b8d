import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { LedgerError } from '../../domain/shared/ledger-error';
import { checkRecordedShape } from './envelope-validation';
import { ChainVerifier } from './hash-chain';

export interface ImportOptions {
  /** Refuses an event the application does not know; returns a reason, or null when acceptable. */
  readonly rejectEvent?: (event: RecordedEvent) => string | null;
}

/** The store an import continues, as each store reads it (SQL inside its transaction, KurrentDB from its log). */
export interface ImportTarget {
  /** The store's head before the import (position 0: empty). */
  readonly head: { readonly position: number; readonly hash: string };
  /** The hash the store holds at a position at or below its head. */
  hashAt(position: number): Promise<string | null | undefined>;
  /** A verifier that continues the store's chain after its head (only asked for when the store is not empty). */
  verifierAfterHead(): Promise<ChainVerifier> | ChainVerifier;
}

export interface CheckedImport {
  /** Events in the input that the store already held, identical by position and hash. */
  readonly alreadyPresent: number;
  /** The head once every new event is written. */
  readonly head: number;
}

/**
 * Reads an import's events in order (line n is the file's nth event) and checks each: its shape, the application's
 * rejectEvent, the events the store already has hash for hash, and the chain of the rest from the store's head.
 * Each new event that verifies goes to `accept`; the first that does not throws, so a caller that writes only after
 * the loop (or inside one transaction) writes nothing for a refused input.
 */
export async function checkImportLines(source: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>, options: ImportOptions,
  target: ImportTarget, accept: (event: RecordedEvent) => Promise<void> | void): Promise<CheckedImport> {
  const storeHead = target.head;
  let verifier: ChainVerifier | null = storeHead.position === 0 ? new ChainVerifier() : null;
  let alreadyPresent = 0;
  let line = 0;
  for await (const raw of source as AsyncIterable<RecordedEvent>) {
    line++;
    const event = checkRecordedShape(raw, line);
    const rejection = options.rejectEvent?.(event);
    if (rejection) {
      throw new LedgerError('BAD_INPUT', `event ${line} (position ${event.globalPosition}, ${event.type} v${event.schemaVersion}): ${rejection}`,
        'Import only ledgers written by a compatible nas-ledger version; nothing was imported.', { line, globalPosition: event.globalPosition });
    }
    if (event.globalPosition <= storeHead.position) {
      if ((await target.hashAt(event.globalPosition)) !== event.hash) {
        throw new LedgerError('REFUSED', `the file does not continue this store: position ${event.globalPosition} differs`,
          'Import into an empty store, or a file exported from this store and extended; nothing was imported.', { globalPosition: event.globalPosition });
      }
      alreadyPresent++;
      continue;
    }
    verifier ??= await continuingVerifier(target, event);
    if (!verifier.check(event)) {
      const b = verifier.firstBreak!;
      throw new LedgerError('INTEGRITY', `the file's chain does not verify at position ${b.position}: ${b.reason}`,
        'The file was altered or truncated; export it again from the source store. Nothing was imported.', { globalPosition: b.position, line });
    }
    await accept(event);
  }
  return { alreadyPresent, head: Math.max(storeHead.position, verifier?.lastPosition ?? storeHead.position) };
}

/** The first new event must stand at head + 1 and follow the head's hash; then the target's verifier takes over. */
async function continuingVerifier(target: ImportTarget, event: RecordedEvent): Promise<ChainVerifier> {
  const { position, hash } = target.head;
  if (event.globalPosition !== position + 1) {
    throw new LedgerError('REFUSED', `the file starts at position ${event.globalPosition} but the store's head is ${position}`,
      'The file must continue the store exactly (its first new event at head + 1); nothing was imported.');
  }
  if (event.prevHash !== hash) {
    throw new LedgerError('REFUSED', `the file does not continue this store: its event at position ${event.globalPosition} follows another chain`,
      'Import into an empty store, or a file exported from this store and extended; nothing was imported.', { globalPosition: event.globalPosition });
  }
  return target.verifierAfterHead();
}
