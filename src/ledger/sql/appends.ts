import type { ExpectedVersion, NewEvent, RecordedEvent } from '../../../domain/shared/event-envelope';
import { LedgerError } from '../../../domain/shared/ledger-error';
import type { AppendResult } from '../event-store.port';
import { resentBatchResult } from '../resent-batch';
import { validateEvents, validateExpectedVersion, validateStreamId, type ValidEvent } from '../envelope-validation';
import { eventHash, eventHashFromText, GENESIS_HASH } from '../hash-chain';
import { integrityError } from '../read-verifier';
import { INSERT_EVENTS_SQL, insertEventsParams, selectEvents } from './event-rows';
import { AppendStateCache, type LogHead } from './append-state-cache';
import { copyRows, oneTripAppendStatements, STALE_GUESS_SQLSTATE } from './one-trip-append';
import { APPEND_LOCK_KEY, APPENDED_CHANNEL } from './schema';
import { sqlLiteral, sqlState, type SqlClient, type SqlExecutor } from './sql-client';

/**
 * Appends: validation, expected versions, idempotent re-sends and the hash chain. They serialize on one
 * transaction-scoped advisory lock: positions are head + 1 and commit in lock order, so a reader that sees
 * position p has seen all below p. On a server, an append first tries one trip on the state this process last saw.
 */
export class SqlAppends {
  private readonly state = new AppendStateCache();
  /** How appends were written: in one trip on guessed state, or under the lock after reading it (observability, tests). */
  readonly paths = { oneTrip: 0, underLock: 0 };

  constructor(private readonly client: SqlClient) {}

  async append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    validateStreamId(streamId);
    const expected = validateExpectedVersion(expectedVersion);
    const valid = validateEvents(events);
    return (await this.appendInOneTrip(streamId, expected, valid)) ?? this.appendUnderLock(streamId, expected, valid);
  }

  /** Drops the guesses (after an import moved the head behind this process's back). */
  forgetState(): void {
    this.state.forget();
  }

  /**
   * The fast path, on a server: chains the batch on the head and stream version this process last saw, and writes
   * it in one implicit transaction whose guard refuses stale guesses. Null when it cannot be taken or the guard
   * (or a reused event id) refused it: the slow path then decides with the state read under the lock.
   */
  private async appendInOneTrip(streamId: string, expected: ExpectedVersion, valid: readonly ValidEvent[]): Promise<AppendResult | null> {
    const head = this.state.head;
    if (!this.client.copyIn || !head) return null;
    const current = this.state.streamVersion(streamId) ??
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
    this.paths.oneTrip++;
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
      this.paths.underLock++;
      return this.committed(streamId, result);
    } catch (error) {
      throw translateWriteError(error, streamId);
    }
  }

  /** The result of a committed write; its end is the best guess for the next one-trip append. */
  private committed(streamId: string, recorded: readonly RecordedEvent[]): AppendResult {
    const last = recorded[recorded.length - 1]!;
    this.state.remember({ position: last.globalPosition, hash: last.hash }, streamId, last.streamVersion);
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
    return resentBatchResult(streamId, events, events.map((e) => {
      const found = stored.get(e.eventId);
      return found && { streamId: found.streamId, streamVersion: found.streamVersion, globalPosition: found.globalPosition, event: found };
    }));
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

/** Database errors of a write as LedgerErrors: a unique violation is a CONFLICT, unstorable content BAD_INPUT. */
export function translateWriteError(error: unknown, streamId: string): unknown {
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
