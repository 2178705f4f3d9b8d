import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { LedgerError } from '../../domain/shared/ledger-error';
import { eventHash, eventHashFromText } from './hash-chain';

export const RESTORE_HINT = 'Run `nas-ledger events verify` to list every failure, then restore the ledger from a verified ' +
  'export (`nas-ledger events import`) or a backup; do not append until it verifies.';

/** The one error a failed hash check raises: it names the position, and the forged value is never handed out. */
export function integrityError(position: number, reason: string, details: Record<string, unknown> = {}): LedgerError {
  return new LedgerError('INTEGRITY', `the ledger fails its hash at position ${position}: ${reason}`, RESTORE_HINT,
    { position, reason, ...details });
}

/** A growable bitset of global positions. */
export class PositionSet {
  private bits = new Uint32Array(1024);

  has(position: number): boolean {
    const word = position >>> 5;
    return word < this.bits.length && (this.bits[word]! & (1 << (position & 31))) !== 0;
  }

  add(position: number): void {
    const word = position >>> 5;
    if (word >= this.bits.length) {
      const grown = new Uint32Array(Math.max(word + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[word]! |= 1 << (position & 31);
  }
}

/**
 * Checks what a read is about to return: every event's content against its stored hash (once per position per
 * process: a verified position costs nothing the next time) and, where neighbours are returned together, that each
 * event's prevHash is its predecessor's hash. Runs on events as recorded, before upcasting.
 */
export class ReadVerifier {
  private readonly verified = new PositionSet();
  /** Events whose hash was recomputed (observability, benchmarks). */
  hashed = 0;
  /**
   * Of those, events hashed from their parsed values (serialized again): every event of a store with `jsonb` columns;
   * in a `json` store, only those whose stored text did not hash right (tests).
   */
  hashedFromParsed = 0;

  /**
   * The check a read makes on each event while its stored data and metadata texts are at hand: a `json` column keeps
   * the canonical text that was hashed, so hashing that text directly skips serializing the parsed values again.
   * True when the event was verified before or its hash matches; false leaves it to `check`, which hashes the parsed
   * values (the definition) before it declares a failure: a `jsonb` column prints its own text, and a row may have
   * been written with other spacing.
   */
  readonly matchesStoredText = (event: RecordedEvent, dataText: string, metadataText: string): boolean => {
    if (this.verified.has(event.globalPosition)) return true;
    this.hashed++;
    return eventHashFromText(event.prevHash, event, dataText, metadataText) === event.hash;
  };

  /**
   * Checks a page a read is about to return. `matched[i]` set: event i passed `matchesStoredText` (nothing left to
   * hash); without `matched`, every unverified event is hashed here.
   */
  check(events: readonly RecordedEvent[], matched: Uint8Array | null = null): void {
    let previous: RecordedEvent | undefined;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const position = event.globalPosition;
      if (matched ? matched[i] !== 1 : !this.verified.has(position)) {
        if (!matched) this.hashed++;
        this.hashedFromParsed++;
        const recomputed = eventHash(event.prevHash, event);
        if (recomputed !== event.hash) {
          throw integrityError(position, `its content does not match its hash (stored ${event.hash}, recomputed ${recomputed})`);
        }
      }
      if (previous && previous.globalPosition + 1 === position && event.prevHash !== previous.hash) {
        throw integrityError(position, `its prevHash does not match the hash of position ${previous.globalPosition}`);
      }
      previous = event;
    }
    for (const event of events) this.verified.add(event.globalPosition);
  }

  /** Marks a position checked elsewhere (by a chain verification in this process). */
  markVerified(position: number): void {
    this.verified.add(position);
  }

  isVerified(position: number): boolean {
    return this.verified.has(position);
  }
}
