import type { EventMetadata, RecordedEvent } from '../../../domain/shared/event-envelope';

/** Column list shared by every read, so row mapping has one shape. */
export const EVENT_COLUMNS =
  'global_position, stream_id, stream_version, event_id, type, schema_version, data, metadata, hash, prev_hash';

export interface EventRow {
  global_position: string | number;
  stream_id: string;
  stream_version: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: unknown;
  hash: string;
  prev_hash: string;
}

/** pg returns bigint as a string and PGlite as a number; positions stay far below 2^53. */
export function rowToEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata as EventMetadata,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    globalPosition: Number(row.global_position),
    hash: row.hash,
    prevHash: row.prev_hash,
  };
}

/** data and metadata already serialized (by validation), so a batch is not serialized twice. */
export interface PreSerialized {
  readonly dataJson: string;
  readonly metadataJson: string;
}

/** Rows for `jsonb_to_recordset`: one parameter carries a whole batch, so a batch is one INSERT on both drivers. */
export function eventsToRecordset(events: readonly RecordedEvent[], serialized?: readonly PreSerialized[]): string {
  const rows = events.map((e, i) => {
    const pre = serialized?.[i];
    const head = JSON.stringify({
      global_position: e.globalPosition,
      stream_id: e.streamId,
      stream_version: e.streamVersion,
      event_id: e.eventId,
      type: e.type,
      schema_version: e.schemaVersion,
      hash: e.hash,
      prev_hash: e.prevHash,
    });
    const data = pre ? pre.dataJson : JSON.stringify(e.data);
    const metadata = pre ? pre.metadataJson : JSON.stringify(e.metadata);
    return `${head.slice(0, -1)},"data":${data},"metadata":${metadata}}`;
  });
  return `[${rows.join(',')}]`;
}

// jsonb_to_recordset turns a JSON null into SQL NULL; data may legitimately be JSON null.
export const INSERT_EVENTS_SQL = `
insert into ledger_events (${EVENT_COLUMNS})
select r.global_position, r.stream_id, r.stream_version, r.event_id, r.type, r.schema_version, coalesce(r.data, 'null'::jsonb), r.metadata, r.hash, r.prev_hash
from jsonb_to_recordset($1::jsonb) as r(global_position bigint, stream_id text, stream_version integer, event_id uuid,
  type text, schema_version integer, data jsonb, metadata jsonb, hash text, prev_hash text)`;
