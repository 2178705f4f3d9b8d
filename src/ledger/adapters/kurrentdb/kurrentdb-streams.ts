import {
  BACKWARDS, END, FORWARDS, jsonEvent, type AppendStreamRequest, type KurrentDBClient, type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { LedgerError } from '../../../../domain/shared/ledger-error';
import type { ServerExpectedState } from './kurrentdb-mapping';

/** One JSON event to write: its server-side id, type, data and string metadata. */
export interface ServerEvent {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata?: Record<string, string>;
}

export interface StreamWrite {
  readonly stream: string;
  readonly expected: ServerExpectedState;
  readonly events: readonly ServerEvent[];
}

/** An event as read: its revision in the stream it was read from, and its JSON data. */
export interface ServerRecord {
  readonly revision: bigint;
  readonly data: unknown;
}

/** A write refused because a stream was not at the expected state (the caller re-reads and decides again). */
export class ExpectedStateFailure extends Error {
  constructor(readonly stream: string | undefined, readonly actual: unknown) {
    super(`stream ${stream ?? '?'} was not at the expected state (actual ${String(actual)})`);
  }
}

const UNAVAILABLE_HINT = 'Check that the KurrentDB server is running and reachable at that address (and tls=false for an insecure ' +
  'node), or choose another store with --store or NAS_LEDGER_STORE.';

/** Client errors as LedgerErrors; an expected-state failure as ExpectedStateFailure. */
export function translateClientError(error: unknown, what: string): unknown {
  if (error instanceof LedgerError || error instanceof ExpectedStateFailure) return error;
  const e = error as { type?: string; streamName?: string; actualState?: unknown; message?: string; code?: number };
  const message = e.message ?? String(error);
  switch (e.type) {
    case 'wrong-expected-version':
      return new ExpectedStateFailure(e.streamName, e.actualState);
    case 'unavailable': case 'deadline-exceeded': case 'timeout': case 'cancelled': case 'not-leader':
      return new LedgerError('UNAVAILABLE', `KurrentDB ${what}: ${message}`, UNAVAILABLE_HINT);
    case 'access-denied':
      return new LedgerError('REFUSED', `KurrentDB ${what}: access denied (${message})`,
        'Give the user in the URL read and write access to the ledger\'s streams (kurrentdb://user:pass@host:2113).');
    case 'unsupported':
      return new LedgerError('UNSUPPORTED', `KurrentDB ${what}: ${message}`, 'Multi-stream appends need KurrentDB 25.1 or newer.');
    case 'maximum-append-size-exceeded': case 'transaction-max-size-exceeded': case 'append-record-size-exceeded':
      return new LedgerError('TOO_LARGE', `KurrentDB ${what}: ${message}`,
        'Store large payloads as files in the artifact directory and record their content hash in the event.');
    default:
      if (e.code === 12) return new LedgerError('UNSUPPORTED', `KurrentDB ${what}: ${message}`, 'Multi-stream appends need KurrentDB 25.1 or newer.');
      if (e.code === 14 || /ECONNREFUSED|UNAVAILABLE|connect|No connection|failed to discover/i.test(message)) {
        return new LedgerError('UNAVAILABLE', `KurrentDB ${what}: ${message}`, UNAVAILABLE_HINT);
      }
      return error;
  }
}

/** The few stream operations the adapter needs, over the KurrentDB client, with errors translated. */
export class KurrentDbStreams {
  constructor(readonly client: KurrentDBClient) {}

  /** Revision and data of the last event of a stream, or null when the stream has none. */
  async readLast(stream: string): Promise<ServerRecord | null> {
    const [last] = await this.read(stream, END, 1, 'backwards');
    return last ?? null;
  }

  /** Up to `maxCount` events from `fromRevision` on (forwards), or before it (backwards, from END: the latest). */
  async read(stream: string, fromRevision: bigint | typeof END, maxCount: number, direction: 'forwards' | 'backwards' = 'forwards'): Promise<ServerRecord[]> {
    const out: ServerRecord[] = [];
    try {
      const events = this.client.readStream(stream, {
        fromRevision: fromRevision === END && direction === 'forwards' ? END : fromRevision, maxCount,
        direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
      });
      for await (const resolved of events as AsyncIterable<ResolvedEvent>) {
        const event = resolved.event;
        if (event) out.push({ revision: event.revision, data: event.data });
      }
    } catch (error) {
      if ((error as { type?: string }).type === 'stream-not-found') return out;
      throw translateClientError(error, `read of ${stream}`);
    }
    return out;
  }

  /** Every event of a stream, in pages (snapshot and checkpoint-name streams are short). */
  async readAllOf(stream: string, pageSize = 500): Promise<ServerRecord[]> {
    const out: ServerRecord[] = [];
    for (let from = 0n; ; from += BigInt(pageSize)) {
      const page = await this.read(stream, from, pageSize);
      out.push(...page);
      if (page.length < pageSize) return out;
    }
  }

  /** Writes to all the streams in one transaction (KurrentDB 25.1+); nothing is written when any expectation fails. */
  async appendAtomically(writes: readonly StreamWrite[]): Promise<bigint> {
    const requests: AppendStreamRequest[] = writes.map((w) => ({
      streamName: w.stream,
      expectedState: w.expected,
      events: w.events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data, metadata: e.metadata ?? {} })),
    }));
    try {
      return (await this.client.multiStreamAppend(requests)).position;
    } catch (error) {
      throw translateClientError(error, 'append');
    }
  }

  async setTruncateBefore(stream: string, revision: number): Promise<void> {
    try {
      await this.client.setStreamMetadata(stream, { truncateBefore: revision });
    } catch (error) {
      throw translateClientError(error, `metadata of ${stream}`);
    }
  }

  async dispose(): Promise<void> {
    await this.client.dispose();
  }
}
