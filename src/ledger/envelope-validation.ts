import type { ExpectedVersion, NewEvent, RecordedEvent } from '../../domain/shared/event-envelope';
import { LedgerError } from '../../domain/shared/ledger-error';
import { canonicalText } from './canonical-text';
import { MAX_EVENT_BYTES } from './event-store.port';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_STREAM_ID_LENGTH = 200;
const MAX_TYPE_LENGTH = 200;

/** A NewEvent after validation: id lower-cased, data and metadata serialized once as canonical JSON text. */
export interface ValidEvent extends NewEvent {
  /** Serialized size, used for the size limit. */
  readonly bytes: number;
  /** data and metadata as canonical JSON text: hashed, compared for idempotency and inserted as they are. */
  readonly dataJson: string;
  readonly metadataJson: string;
}

function bad(message: string, details?: Record<string, unknown>): LedgerError {
  return new LedgerError('BAD_INPUT', message,
    'Each event needs eventId (uuid), type, schemaVersion (integer >= 1), JSON data and metadata ' +
    '{commandId, correlationId, causationId, actor, recordedAt}.', details);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

export function validateStreamId(streamId: unknown): string {
  if (!nonEmptyString(streamId) || streamId.length > MAX_STREAM_ID_LENGTH || /[\u0000-\u001f]/.test(streamId)) {
    throw new LedgerError('BAD_INPUT', `invalid stream id ${JSON.stringify(streamId)}`,
      `A stream id is a non-empty string of at most ${MAX_STREAM_ID_LENGTH} characters without control characters.`);
  }
  return streamId;
}

export function validateExpectedVersion(expected: unknown): ExpectedVersion {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return expected;
  if (typeof expected === 'number' && Number.isInteger(expected) && expected >= -1) return expected;
  throw new LedgerError('BAD_INPUT', `invalid expected version ${JSON.stringify(expected)}`,
    "Use a stream version (integer >= 0, or -1 for a new stream), 'no_stream', 'stream_exists' or 'any'.");
}

/** Canonical JSON text of a value, as JSON.stringify would see it; what is hashed, compared and stored. */
function jsonText(value: unknown, what: string, eventId: string): string {
  let text: string | undefined;
  try {
    text = canonicalText(value);
  } catch (error) {
    throw bad(`event ${eventId}: ${what} is not serializable as JSON (${(error as Error).message})`, { eventId });
  }
  if (text === undefined) throw bad(`event ${eventId}: ${what} is missing or not a JSON value`, { eventId });
  if (text.includes('\\u') && hasUnstorableEscape(text)) {
    throw bad(`event ${eventId}: ${what} contains \\u0000 or an unpaired surrogate, which PostgreSQL cannot store as text`,
      { eventId });
  }
  return text;
}

/** JSON text escapes, one at a time so an escaped backslash is never read as the start of another escape. */
const ESCAPE = /\\(?:u([0-9a-fA-F]{4})|.)/g;

/**
 * JSON.stringify writes U+0000 as \u0000 and an unpaired surrogate as \udXXX (paired ones stay literal), so these
 * escapes are exactly the strings PostgreSQL refuses to turn into text (and jsonb refuses to store).
 */
function hasUnstorableEscape(text: string): boolean {
  for (const match of text.matchAll(ESCAPE)) {
    const code = match[1];
    if (code !== undefined && (code === '0000' || /^d[89a-f]/i.test(code))) return true;
  }
  return false;
}

export function validateEvents(events: unknown): ValidEvent[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw bad('append needs a non-empty array of events');
  }
  const seen = new Set<string>();
  return events.map((raw: unknown, index): ValidEvent => {
    if (raw === null || typeof raw !== 'object') throw bad(`event #${index} is not an object`, { index });
    const e = raw as Record<string, unknown>;
    if (typeof e.eventId !== 'string' || !UUID.test(e.eventId)) {
      throw bad(`event #${index}: eventId ${JSON.stringify(e.eventId)} is not a uuid`, { index });
    }
    const eventId = e.eventId.toLowerCase();
    if (seen.has(eventId)) throw bad(`event id ${eventId} appears twice in one batch`, { eventId });
    seen.add(eventId);
    if (!nonEmptyString(e.type) || e.type.length > MAX_TYPE_LENGTH) {
      throw bad(`event ${eventId}: type must be a non-empty string of at most ${MAX_TYPE_LENGTH} characters`, { eventId });
    }
    if (typeof e.schemaVersion !== 'number' || !Number.isInteger(e.schemaVersion) || e.schemaVersion < 1) {
      throw bad(`event ${eventId}: schemaVersion must be an integer >= 1, got ${JSON.stringify(e.schemaVersion)}`, { eventId });
    }
    const m = e.metadata as Record<string, unknown> | null | undefined;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) throw bad(`event ${eventId}: metadata must be an object`, { eventId });
    for (const key of ['commandId', 'correlationId', 'actor'] as const) {
      if (!nonEmptyString(m[key])) throw bad(`event ${eventId}: metadata.${key} must be a non-empty string`, { eventId });
    }
    if (!(m.causationId === null || nonEmptyString(m.causationId))) {
      throw bad(`event ${eventId}: metadata.causationId must be a non-empty string or null`, { eventId });
    }
    if (typeof m.recordedAt !== 'string' || Number.isNaN(Date.parse(m.recordedAt))) {
      throw bad(`event ${eventId}: metadata.recordedAt must be an ISO-8601 time, got ${JSON.stringify(m.recordedAt)}`, { eventId });
    }
    const dataJson = jsonText(e.data, 'data', eventId);
    const metadataJson = jsonText(m, 'metadata', eventId);
    const bytes = Buffer.byteLength(dataJson) + Buffer.byteLength(metadataJson);
    if (bytes > MAX_EVENT_BYTES) {
      throw new LedgerError('TOO_LARGE', `event ${eventId} (${e.type}) is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES}`,
        'Store large payloads (weights, logs, datasets) as files in the artifact directory and record their content hash in the event.',
        { eventId, bytes, limit: MAX_EVENT_BYTES });
    }
    return {
      eventId,
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: e.data,
      metadata: m as unknown as NewEvent['metadata'],
      bytes,
      dataJson,
      metadataJson,
    };
  });
}

/** One line of an `events export` file, checked for the RecordedEvent shape before any import (SQL or KurrentDB) uses it. */
export function checkRecordedShape(raw: unknown, line: number): RecordedEvent {
  const e = raw as Partial<RecordedEvent> | null;
  const problem = (what: string): LedgerError => new LedgerError('BAD_INPUT', `event ${line}: ${what}`,
    'Each line must be one RecordedEvent as written by `nas-ledger events export`; nothing was imported.', { line });
  if (e === null || typeof e !== 'object') throw problem('not an object');
  if (!Number.isInteger(e.globalPosition) || (e.globalPosition as number) < 1) throw problem('globalPosition must be an integer >= 1');
  if (!Number.isInteger(e.streamVersion) || (e.streamVersion as number) < 0) throw problem('streamVersion must be an integer >= 0');
  for (const key of ['eventId', 'type', 'streamId', 'hash', 'prevHash'] as const) {
    if (typeof e[key] !== 'string' || e[key].length === 0) throw problem(`${key} must be a non-empty string`);
  }
  if (!Number.isInteger(e.schemaVersion)) throw problem('schemaVersion must be an integer');
  if (e.data === undefined || e.metadata === undefined) throw problem('data and metadata are required');
  return e as RecordedEvent;
}
