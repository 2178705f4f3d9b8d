import { LedgerError } from '../../../domain/shared/ledger-error';
import type { ReadAllOptions, SubscribeOptions, Subscription, SubscriptionHandler } from '../event-store.port';
import type { RecordedEvent } from '../../../domain/shared/event-envelope';
import { PollingSubscription } from '../subscription';
import { APPENDED_CHANNEL } from './schema';
import type { SqlClient, SqlExecutor } from './sql-client';

/** The position a subscription has handled up to (0: none). */
export async function loadCheckpoint(sql: SqlExecutor, name: string): Promise<number> {
  const rows = await sql.query<{ position: string | number }>('select position from ledger_checkpoints where name = $1', [name]);
  return Number(rows[0]?.position ?? 0);
}

export async function saveCheckpoint(sql: SqlExecutor, name: string, position: number): Promise<void> {
  await sql.query(
    `insert into ledger_checkpoints (name, position, updated_at) values ($1, $2, now())
     on conflict (name) do update set position = excluded.position, updated_at = excluded.updated_at`,
    [name, position]);
}

/** What a subscription reads: the store's head and its (checked, upcast) global log. */
export interface SubscriptionSource {
  head(): Promise<number>;
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
}

/**
 * The store's live subscriptions: catch-up from the stored checkpoint, then woken by the NOTIFY every append and
 * import sends with its commit (one LISTEN per store, started with the first subscription), with polling as the
 * fallback when a notification is lost.
 */
export class SqlSubscriptions {
  private readonly active = new Set<PollingSubscription>();
  /** One LISTEN per store, started with the first subscription; null when it could not be set up (polling only). */
  private listening: Promise<(() => Promise<void>) | null> | null = null;

  constructor(private readonly client: SqlClient, private readonly source: SubscriptionSource) {}

  subscribe(name: string, handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    if (!name || typeof name !== 'string') {
      throw new LedgerError('BAD_INPUT', 'a subscription needs a non-empty name', 'The name keys the stored checkpoint.');
    }
    this.listening ??= this.client.listen(APPENDED_CHANNEL, () => {
      for (const s of this.active) s.poke();
    }).catch(() => null);
    const subscription = new PollingSubscription(name, handler, options, {
      ready: this.listening,
      head: () => this.source.head(),
      read: (after, upTo, limit) => this.source.readAll({ after, upTo, types: options.types, limit }),
      loadCheckpoint: (n) => loadCheckpoint(this.client, n),
      saveCheckpoint: (n, p) => saveCheckpoint(this.client, n, p),
    }, () => this.active.delete(subscription));
    this.active.add(subscription);
    subscription.start();
    return subscription;
  }

  /** Stops every subscription (each writes its checkpoint) and the LISTEN. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.active].map((s) => s.stop()));
    await (await this.listening)?.().catch(() => undefined);
  }
}
