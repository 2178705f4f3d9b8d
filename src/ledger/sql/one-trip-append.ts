import type { RecordedEvent } from '../../../domain/shared/event-envelope';
import { GENESIS_HASH } from '../hash-chain';
import type { LogHead } from './append-state-cache';
import type { PreSerialized } from './event-rows';
import { sqlLiteral } from './sql-client';

/** The guard divides by zero when a guess is stale: the SQLSTATE that sends an append to the slow path. */
export const STALE_GUESS_SQLSTATE = '22012';

const COPY_EVENTS_SQL = 'copy ledger_events (global_position, stream_id, stream_version, event_id, type, schema_version, ' +
  'data, metadata, hash, prev_hash) from stdin';

/**
 * The statements of a one-trip append: the lock, then (in a snapshot taken after the lock was granted) a guard
 * that the log's head and the stream's version are still what the events were chained on, then the COPY, then
 * the NOTIFY that wakes live subscriptions. Values are inlined: positions and versions are integers, hashes are
 * hex the store computed, the stream id is quoted by sqlLiteral.
 */
export function oneTripAppendStatements(lockKey: number, channel: string, streamId: string, head: LogHead,
  streamVersion: number): string[] {
  const guard = `select 1 / (
      coalesce((select max(global_position) from ledger_events), 0) = ${Math.trunc(head.position)}
      and coalesce((select hash from ledger_events where global_position = ${Math.trunc(head.position)}), '${GENESIS_HASH}')
        = ${sqlLiteral(head.hash)}
      and coalesce((select max(stream_version) from ledger_events where stream_id = ${sqlLiteral(streamId)}), -1)
        = ${Math.trunc(streamVersion)})::integer`;
  return [`select pg_advisory_xact_lock(${Math.trunc(lockKey)})`, guard, COPY_EVENTS_SQL, `notify ${channel}`];
}

/** The batch in COPY's text format, columns in COPY_EVENTS_SQL's order. */
export function copyRows(events: readonly RecordedEvent[], serialized: readonly PreSerialized[]): string {
  let out = '';
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const s = serialized[i]!;
    out += `${e.globalPosition}\t${copyTextField(e.streamId)}\t${e.streamVersion}\t${e.eventId}\t${copyTextField(e.type)}\t` +
      `${e.schemaVersion}\t${copyJsonField(s.dataJson)}\t${copyJsonField(s.metadataJson)}\t${e.hash}\t${e.prevHash}\n`;
  }
  return out;
}

/** JSON text never holds a raw tab, newline or carriage return (JSON.stringify escapes them): only backslashes. */
function copyJsonField(json: string): string {
  return json.includes('\\') ? json.replace(/\\/g, '\\\\') : json;
}

const COPY_SPECIAL = /[\\\t\n\r]/;

/** A value as a field of COPY's text format: backslash, tab, newline and carriage return escaped. */
export function copyTextField(value: string): string {
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
