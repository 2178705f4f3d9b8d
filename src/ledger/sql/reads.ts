import type { RecordedEvent } from '../../../domain/shared/event-envelope';
import type { ReadAllOptions, ReadStreamOptions } from '../event-store.port';
import { validateStreamId } from '../envelope-validation';
import { GENESIS_HASH } from '../hash-chain';
import { prefetchingPages } from '../iterate-all';
import { ReadVerifier } from '../read-verifier';
import type { UpcasterRegistry } from '../upcasters';
import { selectEvents } from './event-rows';
import { selectEventPage, type EventPage } from './stored-text-pages';
import type { SqlClient, SqlExecutor } from './sql-client';

/** Events per page when the store pages through the log itself (export, verify, large replays). */
export const PAGE = 5000;

/**
 * Reads. Every event a read returns is checked against its hash first (once per position per process), as recorded,
 * then upcast. Only verification reads unchecked, since it reports a failure instead of refusing it.
 */
export class SqlReads {
  /** Every event a read returns is checked against its hash first, once per position per process. */
  readonly verifier = new ReadVerifier();

  /** Whether data and metadata are `json` columns, whose text is what was hashed (known after the first read). */
  private textIsHashed: Promise<boolean> | null = null;

  constructor(private readonly client: SqlClient, private readonly upcasters: UpcasterRegistry) {}

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateStreamId(streamId);
    const page = await this.selectPage(true,
      `from ledger_events where stream_id = $1 and stream_version >= $2
         and ($3::integer is null or stream_version <= $3) order by stream_version`,
      [streamId, options.from ?? 0, options.to ?? null]);
    this.verifier.check(page.events, page.matched);
    return this.upcast(page.events);
  }

  /**
   * The events `from … where …` selects. Where data and metadata are `json` columns, their stored texts are what was
   * hashed, and a checked read hashes each event on those texts as the page is built. A store created with `jsonb`
   * columns prints its own text, which never hashes right, so there each event is hashed from its parsed values.
   */
  private async selectPage(checked: boolean, fromWhereOrderLimit: string, params: readonly unknown[]): Promise<EventPage> {
    this.textIsHashed ??= columnsKeepHashedText(this.client).catch((error: unknown) => {
      this.textIsHashed = null;
      throw error;
    });
    if (await this.textIsHashed) {
      return selectEventPage(this.client, this.client.kind, fromWhereOrderLimit, params, checked ? this.verifier.matchesStoredText : undefined);
    }
    return { events: await selectEvents(this.client, this.client.kind, fromWhereOrderLimit, params), matched: null };
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.upcast(await this.readAllRaw(options));
  }

  private upcast(events: RecordedEvent[]): RecordedEvent[] {
    return this.upcasters.size === 0 ? events : events.map((e) => this.upcasters.apply(e));
  }

  /** As recorded, without upcasting: what export works on. Each event is checked against its hash first. */
  async readAllRaw(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const page = await this.selectAll(true, options);
    this.verifier.check(page.events, page.matched);
    return page.events;
  }

  /** As stored, unchecked: only for verify, which reports a failure instead of refusing it. */
  async readAllUnchecked(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return (await this.selectAll(false, options)).events;
  }

  private selectAll(checked: boolean, options: ReadAllOptions): Promise<EventPage> {
    return this.selectPage(checked,
      `from ledger_events where global_position > $1
         and ($2::bigint is null or global_position <= $2)
         and ($3::text[] is null or type = any($3::text[]))
       order by global_position limit $4`,
      [options.after ?? 0, options.upTo ?? null, options.types ? [...options.types] : null, options.limit ?? null]);
  }

  /** Pages through the log with bounded memory (two pages), each event checked. */
  iterateRaw(options: Omit<ReadAllOptions, 'limit'> = {}, pageSize = PAGE): AsyncGenerator<RecordedEvent> {
    return prefetchingPages((after, limit) => this.readAllRaw({ ...options, after, limit }), options.after ?? 0, pageSize);
  }

  /** Pages through the whole log after `after`, unchecked (for verification). */
  iterateUnchecked(after: number): AsyncGenerator<RecordedEvent> {
    return prefetchingPages((from, limit) => this.readAllUnchecked({ after: from, limit }), after, PAGE);
  }

  async head(): Promise<number> {
    const rows = await this.client.query<{ p: string | number | null }>('select max(global_position) as p from ledger_events');
    return Number(rows[0]?.p ?? 0);
  }

  /** The hash of the event at `position`, read (and so checked) like any event; GENESIS_HASH at 0; null past the head. */
  async verifiedHashAt(position: number): Promise<string | null> {
    if (position === 0) return GENESIS_HASH;
    const [event] = await this.readAllRaw({ after: position - 1, limit: 1 });
    return event?.globalPosition === position ? event.hash : null;
  }

  /** The stored hash of the event at `position` (GENESIS_HASH at 0, null past the head), unchecked. */
  async storedHashAt(position: number): Promise<string | null> {
    if (position === 0) return GENESIS_HASH;
    const rows = await this.client.query<{ h: string }>('select hash as h from ledger_events where global_position = $1', [position]);
    return rows[0]?.h ?? null;
  }
}

/** True when ledger_events keeps data and metadata as `json` (stores created since 2026-11-23), not `jsonb`. */
async function columnsKeepHashedText(sql: SqlExecutor): Promise<boolean> {
  const rows = await sql.query<{ n: string | number }>(
    `select count(*) as n from pg_attribute
     where attrelid = 'ledger_events'::regclass and attname in ('data', 'metadata') and atttypid = 'json'::regtype`);
  return Number(rows[0]?.n ?? 0) === 2;
}
