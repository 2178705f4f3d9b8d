/**
 * How the ledger maps onto KurrentDB streams, as pure functions (no client calls): stream names, expected versions,
 * positions, the stored record and the hash chain. docs/ledger.md ("The KurrentDB adapter") explains the design.
 */
import type { ExpectedVersion, RecordedEvent } from '../../../../domain/shared/event-envelope';
import { uuidV5 } from '../../../../domain/shared/ids';
import { LedgerError } from '../../../../domain/shared/ledger-error';
import type { ValidEvent } from '../../envelope-validation';
import { eventHashFromText, GENESIS_HASH } from '../../hash-chain';
import { integrityError } from '../../read-verifier';

/** The server's view of a stream before an append: what AppendStreamRequest.expectedState takes. */
export type ServerExpectedState = 'any' | 'no_stream' | 'stream_exists' | bigint;

/**
 * The names of one ledger's streams; `${ledger}-` prefixes all of them. Chosen names contain no '-' and the default
 * is the fixed `nas-ledger`, so two ledgers on one server never share a stream.
 */
export class LedgerStreams {
  constructor(readonly ledger: string) {}

  /** The ledger log: revision r holds the event at global position r + 1, with its chain hash. */
  get log(): string {
    return `${this.ledger}-log`;
  }

  /** A ledger stream's own KurrentDB stream: revision r is stream version r. */
  stream(streamId: string): string {
    return `${this.ledger}-stream-${streamId}`;
  }

  /** One stream per event id, written with no_stream: the server refuses a second use of the id. */
  eventId(eventId: string): string {
    return `${this.ledger}-id-${eventId.toLowerCase()}`;
  }

  checkpoint(name: string): string {
    return `${this.ledger}-checkpoint-${name}`;
  }

  /** Snapshots of one projection version ('@' never occurs in either encoded part, so the name is unambiguous). */
  snapshots(projection: string, projectionVersion: string): string {
    return `${this.ledger}-snapshot-${encodeURIComponent(projection)}@${encodeURIComponent(projectionVersion)}`;
  }

  /** The versions of a projection that have snapshots (pruning works per version). */
  snapshotVersions(projection: string): string {
    return `${this.ledger}-snapshot-versions-${encodeURIComponent(projection)}`;
  }

  /** Every projection that has snapshots, so verify can find them all. */
  get snapshotProjections(): string {
    return `${this.ledger}-snapshot-projections`;
  }

  /** The position and hash up to which run/resume last verified the chain. */
  get verified(): string {
    return `${this.ledger}-verified`;
  }

  /** Every checkpoint's name, so verify can find them all. */
  get checkpointNames(): string {
    return `${this.ledger}-checkpoint-names`;
  }
}

export const globalPositionOf = (logRevision: bigint | number): number => Number(logRevision) + 1;
export const logRevisionOf = (globalPosition: number): bigint => BigInt(globalPosition - 1);

/** The log's expected state for an append after `head`: exact, so two writers can never take the same position. */
export function logExpectedState(head: number): ServerExpectedState {
  return head === 0 ? 'no_stream' : logRevisionOf(head);
}

/**
 * The server-side expectation for a ledger stream at `current` (-1: none). The adapter checks the caller's mode
 * itself and then always sends the exact state it checked against, so a concurrent write in between fails the
 * append on the server instead of landing next to it.
 */
export function streamExpectedState(current: number): ServerExpectedState {
  return current < 0 ? 'no_stream' : BigInt(current);
}

/** A server-reported stream state as the ledger reports an actual version in CONFLICT details. */
export function ledgerVersionOf(state: unknown): number {
  if (state === 'no_stream' || state === undefined || state === null) return -1;
  const n = Number(state);
  return Number.isInteger(n) && n >= 0 ? n : -1;
}

export function expectationHolds(expected: ExpectedVersion, current: number): boolean {
  return expected === 'any' ? true
    : expected === 'no_stream' ? current === -1
      : expected === 'stream_exists' ? current >= 0
        : expected === current;
}

export function expectedVersionConflict(streamId: string, expected: ExpectedVersion, current: number): LedgerError {
  const describe = (v: ExpectedVersion): string => (v === -1 || v === 'no_stream' ? 'no_stream (no events)' : String(v));
  return new LedgerError('CONFLICT',
    `stream ${streamId}: expected version ${describe(expected)}, but it is at ${describe(current)}`,
    'Another writer got there first: reload the stream, decide again, and append at its current version.',
    { streamId, expected, actual: current === -1 ? 'no_stream' : current });
}

/**
 * What each KurrentDB event of the ledger holds as its JSON data, in the log and in the event's own stream alike.
 * data and metadata are kept as the canonical text that was hashed, so a read hashes exactly what is stored.
 */
export interface StoredRecord {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly data: string;
  readonly metadata: string;
}

/** The id stream's one event: where the id was recorded. */
export interface IdClaim {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: number;
}

export const ID_CLAIM_TYPE = 'nas-ledger.EventIdClaimed';

/** Positions, versions and chain hashes for a batch appended to a stream at `current` after the log's `head`. */
export function chainBatch(streamId: string, events: readonly ValidEvent[], current: number,
  head: { readonly position: number; readonly hash: string }): StoredRecord[] {
  let position = head.position;
  let prevHash = head.hash;
  return events.map((e, i) => {
    position++;
    const content = { eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion, streamId, streamVersion: current + 1 + i, globalPosition: position };
    const hash = eventHashFromText(prevHash, content, e.dataJson, e.metadataJson);
    const record: StoredRecord = { ...content, prevHash, hash, data: e.dataJson, metadata: e.metadataJson };
    prevHash = hash;
    return record;
  });
}

/** A recorded event (from an export) as the record the adapter stores; its data and metadata in canonical text. */
export function storedFromRecorded(event: RecordedEvent, dataText: string, metadataText: string): StoredRecord {
  return {
    eventId: event.eventId, type: event.type, schemaVersion: event.schemaVersion, streamId: event.streamId,
    streamVersion: event.streamVersion, globalPosition: event.globalPosition, prevHash: event.prevHash, hash: event.hash,
    data: dataText, metadata: metadataText,
  };
}

/** The server-side id of the log's copy of an event and of its id claim: derived, so a re-send sends the same ids. */
export function derivedEventId(eventId: string, role: 'log' | 'claim'): string {
  return uuidV5(`${role}:${eventId.toLowerCase()}`);
}

/** KurrentDB event metadata (multi-stream appends take string values only): the correlation and causation ids. */
export function serverMetadata(metadataText: string): Record<string, string> {
  const metadata = JSON.parse(metadataText) as { correlationId?: unknown; causationId?: unknown };
  const out: Record<string, string> = {};
  if (typeof metadata.correlationId === 'string') out.$correlationId = metadata.correlationId;
  if (typeof metadata.causationId === 'string') out.$causationId = metadata.causationId;
  return out;
}

/**
 * Reads a stored record back and checks it: its shape, that it sits where it was read from (the log revision, or the
 * stream's revision), and that its content matches its hash. Anything else is INTEGRITY naming the position.
 */
export function recordedFromStored(raw: unknown, where: { readonly globalPosition?: number; readonly streamVersion?: number }): RecordedEvent {
  const position = where.globalPosition ?? (raw as { globalPosition?: number } | null)?.globalPosition ?? 0;
  const record = parseStoredRecord(raw);
  if (!record) throw integrityError(position, 'the stored event is not a ledger record');
  if (where.globalPosition !== undefined && record.globalPosition !== where.globalPosition) {
    throw integrityError(position, `the log holds the event of position ${record.globalPosition} here`);
  }
  if (where.streamVersion !== undefined && record.streamVersion !== where.streamVersion) {
    throw integrityError(record.globalPosition, `stream ${record.streamId} holds version ${record.streamVersion} at revision ${where.streamVersion}`);
  }
  const recomputed = eventHashFromText(record.prevHash, record, record.data, record.metadata);
  if (recomputed !== record.hash) {
    throw integrityError(record.globalPosition, `content does not match its hash (stored ${record.hash}, recomputed ${recomputed})`);
  }
  return recordedEvent(record);
}

/** The RecordedEvent of a record, in the key order export writes. Unchecked: see recordedFromStored. */
export function recordedEvent(record: StoredRecord): RecordedEvent {
  return {
    eventId: record.eventId, type: record.type, schemaVersion: record.schemaVersion,
    data: JSON.parse(record.data) as unknown, metadata: JSON.parse(record.metadata) as RecordedEvent['metadata'],
    streamId: record.streamId, streamVersion: record.streamVersion, globalPosition: record.globalPosition,
    hash: record.hash, prevHash: record.prevHash,
  };
}

export function parseStoredRecord(raw: unknown): StoredRecord | null {
  if (raw === null || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const strings = ['eventId', 'type', 'streamId', 'prevHash', 'hash', 'data', 'metadata'] as const;
  const integers = ['schemaVersion', 'streamVersion', 'globalPosition'] as const;
  if (!strings.every((k) => typeof r[k] === 'string') || !integers.every((k) => Number.isSafeInteger(r[k]))) return null;
  try {
    JSON.parse(r.data as string);
    JSON.parse(r.metadata as string);
  } catch {
    return null;
  }
  return r as unknown as StoredRecord;
}

export function parseIdClaim(raw: unknown): IdClaim | null {
  if (raw === null || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.streamId !== 'string' || !Number.isSafeInteger(r.streamVersion) || !Number.isSafeInteger(r.globalPosition)) return null;
  return { streamId: r.streamId, streamVersion: r.streamVersion as number, globalPosition: r.globalPosition as number };
}

/** The head a store starts from when its log is empty. */
export const EMPTY_HEAD = { position: 0, hash: GENESIS_HASH } as const;
