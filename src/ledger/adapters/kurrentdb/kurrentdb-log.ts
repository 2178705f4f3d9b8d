import type { RecordedEvent } from '../../../../domain/shared/event-envelope';
import type { ReadAllOptions, ReadStreamOptions } from '../../event-store.port';
import { GENESIS_HASH } from '../../hash-chain';
import { integrityError } from '../../read-verifier';
import {
  EMPTY_HEAD, globalPositionOf, logRevisionOf, recordedFromStored, type LedgerStreams,
} from './kurrentdb-mapping';
import type { KurrentDbStreams } from './kurrentdb-streams';

export const PAGE = 500;

/**
 * Reads of the ledger log and of single streams, every event checked against its hash and, within a read, against
 * the hash its predecessor holds (a re-hashed event breaks the link its successor keeps).
 */
export class KurrentDbLog {
  constructor(private readonly streams: KurrentDbStreams, private readonly names: LedgerStreams) {}

  async head(): Promise<number> {
    const last = await this.streams.readLast(this.names.log);
    return last ? globalPositionOf(last.revision) : 0;
  }

  /** The head's position and hash, the head event checked against its hash (appends never extend a bad head). */
  async checkedHead(): Promise<{ position: number; hash: string }> {
    const last = await this.streams.readLast(this.names.log);
    if (!last) return EMPTY_HEAD;
    const event = recordedFromStored(last.data, { globalPosition: globalPositionOf(last.revision) });
    return { position: event.globalPosition, hash: event.hash };
  }

  /** The event at a position, checked against its own hash, or null past the head. */
  async at(position: number): Promise<RecordedEvent | null> {
    if (position < 1) return null;
    const [found] = await this.streams.read(this.names.log, logRevisionOf(position), 1);
    return found ? recordedFromStored(found.data, { globalPosition: position }) : null;
  }

  /** The hash of the event at `position` (GENESIS_HASH at 0, null past the head). */
  async hashAt(position: number): Promise<string | null> {
    if (position === 0) return GENESIS_HASH;
    return (await this.at(position))?.hash ?? null;
  }

  /** As recorded (no upcasting), checked. */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    for await (const event of this.iterate(options)) {
      out.push(event);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Pages through (after, upTo] with bounded memory; type filtering happens here, after the hash check. */
  async *iterate(options: Omit<ReadAllOptions, 'limit'> = {}, pageSize = PAGE): AsyncGenerator<RecordedEvent> {
    const types = options.types ? new Set(options.types) : null;
    const upTo = options.upTo ?? Number.POSITIVE_INFINITY;
    let position = options.after ?? 0;
    let prevHash: string | null = null;
    while (position < upTo) {
      const page = await this.streams.read(this.names.log, logRevisionOf(position + 1), pageSize);
      for (const found of page) {
        const expected = globalPositionOf(found.revision);
        if (expected > upTo) return;
        const event = recordedFromStored(found.data, { globalPosition: expected });
        if (prevHash !== null && event.prevHash !== prevHash) {
          throw integrityError(expected, `prevHash ${event.prevHash} does not match the hash ${prevHash} of position ${expected - 1}`);
        }
        prevHash = event.hash;
        position = expected;
        if (!types || types.has(event.type)) yield event;
      }
      if (page.length < pageSize) return;
    }
  }

  /** Unchecked, for verify: the verifier itself names the first event that fails. */
  async *iterateUnchecked(after: number, pageSize = PAGE): AsyncGenerator<{ revision: bigint; data: unknown }> {
    let position = after;
    for (;;) {
      const page = await this.streams.read(this.names.log, logRevisionOf(position + 1), pageSize);
      for (const found of page) {
        position = globalPositionOf(found.revision);
        yield found;
      }
      if (page.length < pageSize) return;
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = Math.max(0, options.from ?? 0);
    const to = options.to ?? Number.POSITIVE_INFINITY;
    if (to < from) return [];
    const out: RecordedEvent[] = [];
    const stream = this.names.stream(streamId);
    for (let revision = from; revision <= to;) {
      const count = Math.min(PAGE, to - revision + 1);
      const page = await this.streams.read(stream, BigInt(revision), count);
      for (const found of page) {
        const event = recordedFromStored(found.data, { streamVersion: Number(found.revision) });
        if (event.streamId !== streamId) throw integrityError(event.globalPosition, `stream ${streamId} holds an event of stream ${event.streamId}`);
        out.push(event);
      }
      if (page.length < count) break;
      revision += count;
    }
    return out;
  }

  /** The stream's current version (-1: no events). */
  async streamVersion(streamId: string): Promise<number> {
    const last = await this.streams.readLast(this.names.stream(streamId));
    return last ? Number(last.revision) : -1;
  }
}
