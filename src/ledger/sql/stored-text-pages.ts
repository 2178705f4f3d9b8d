import type { RecordedEvent } from '../../../domain/shared/event-envelope';
import type { SqlExecutor } from './sql-client';

/**
 * Called with each event of a page and the texts its data and metadata were parsed from, while those are at hand
 * (so a page's texts are not all held): true when the event is known good (its hash matched the stored text, or it
 * was verified before), false when it must be hashed from its parsed values.
 */
export type StoredTextCheck = (event: RecordedEvent, dataText: string, metadataText: string) => boolean;

/** Events as read; `matched[i]` is 1 where the check passed on the stored text (null when no check was given). */
export interface EventPage {
  readonly events: RecordedEvent[];
  readonly matched: Uint8Array | null;
}

/** The envelope of an event as a JSON array, in PGlite pages (which carry data and metadata apart). */
type EnvelopeTuple = [eventId: string, type: string, schemaVersion: number, streamId: string, streamVersion: number,
  globalPosition: number, hash: string, prevHash: string];

/** JSON text never holds U+0001 raw (json_in refuses control characters), so it separates the texts of a page. */
const TEXT_SEPARATOR = '\u0001';

/**
 * Reads the events `from ledger_events where …` selects (ordered by global_position, or by stream version, which
 * follows it) with the text of their data and metadata as stored. In a `json` column that text is the canonical
 * text the append path hashed, byte for byte, so a read can check the hash on it directly instead of serializing
 * the parsed values again (which cost as much as the read itself). Each text is parsed once, here.
 * pg hands over the texts (`data::text`: the driver parses nothing) in rows, which become the events in place.
 * PGlite gets a page as three texts: the envelopes as one json_agg of arrays (no keys, so fewer bytes out of WASM),
 * and the data and the metadata texts each as one string_agg, split on U+0001. The three aggregates take the same
 * rows in the same order; the order is checked and restored here, should a plan ever differ.
 */
export async function selectEventPage(sql: SqlExecutor, kind: 'pglite' | 'postgres', fromWhereOrderLimit: string,
  params: readonly unknown[], check?: StoredTextCheck): Promise<EventPage> {
  return kind === 'postgres' ? rowsPage(sql, fromWhereOrderLimit, params, check) : aggregatedPage(sql, fromWhereOrderLimit, params, check);
}

async function rowsPage(sql: SqlExecutor, fromWhereOrderLimit: string, params: readonly unknown[],
  check: StoredTextCheck | undefined): Promise<EventPage> {
  // Aliased to RecordedEvent's keys in its order, so each row becomes its event once its texts are parsed.
  const rows = await sql.query<Record<string, unknown>>(`select event_id as "eventId", type, schema_version as "schemaVersion",
    data::text as data, metadata::text as metadata, stream_id as "streamId", stream_version as "streamVersion",
    global_position::float8 as "globalPosition", hash, prev_hash as "prevHash" ${fromWhereOrderLimit}`, params);
  const matched = check ? new Uint8Array(rows.length) : null;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const dataText = row.data as string;
    const metadataText = row.metadata as string;
    row.data = JSON.parse(dataText);
    row.metadata = JSON.parse(metadataText);
    if (check && matched && check(row as unknown as RecordedEvent, dataText, metadataText)) matched[i] = 1;
  }
  return { events: rows as unknown as RecordedEvent[], matched };
}

async function aggregatedPage(sql: SqlExecutor, fromWhereOrderLimit: string, params: readonly unknown[],
  check: StoredTextCheck | undefined): Promise<EventPage> {
  const [page] = await sql.query<{ e: string | null; d: string | null; m: string | null }>(
    `select json_agg(json_build_array(e.event_id, e.type, e.schema_version, e.stream_id, e.stream_version, e.global_position,
       e.hash, e.prev_hash))::text as e, string_agg(e.d, E'\\x01') as d, string_agg(e.m, E'\\x01') as m
     from (select event_id, type, schema_version, data::text as d, metadata::text as m, stream_id, stream_version,
       global_position, hash, prev_hash ${fromWhereOrderLimit}) e`, params);
  if (!page?.e || page.d === null || page.m === null) return { events: [], matched: check ? new Uint8Array(0) : null };
  const envelopes = JSON.parse(page.e) as EnvelopeTuple[];
  const dataTexts = page.d.split(TEXT_SEPARATOR);
  const metadataTexts = page.m.split(TEXT_SEPARATOR);
  if (dataTexts.length !== envelopes.length || metadataTexts.length !== envelopes.length) {
    throw new Error(`a page of ${envelopes.length} events came with ${dataTexts.length} data and ${metadataTexts.length} metadata texts`);
  }
  const order = inPositionOrder(envelopes);
  const events = new Array<RecordedEvent>(envelopes.length);
  const matched = check ? new Uint8Array(envelopes.length) : null;
  for (let i = 0; i < order.length; i++) {
    const k = order[i]!;
    const [eventId, type, schemaVersion, streamId, streamVersion, globalPosition, hash, prevHash] = envelopes[k]!;
    const dataText = dataTexts[k]!;
    const metadataText = metadataTexts[k]!;
    const event: RecordedEvent = {
      eventId, type, schemaVersion, data: JSON.parse(dataText) as unknown,
      metadata: JSON.parse(metadataText) as RecordedEvent['metadata'], streamId, streamVersion, globalPosition, hash, prevHash,
    };
    events[i] = event;
    if (check && matched && check(event, dataText, metadataText)) matched[i] = 1;
  }
  return { events, matched };
}

/** Indexes of the envelopes in global order: as they came (the usual case), else sorted. */
function inPositionOrder(envelopes: readonly EnvelopeTuple[]): number[] {
  const order = envelopes.map((_, i) => i);
  for (let i = 1; i < envelopes.length; i++) {
    if (envelopes[i]![5] <= envelopes[i - 1]![5]) return order.sort((a, b) => envelopes[a]![5] - envelopes[b]![5]);
  }
  return order;
}
