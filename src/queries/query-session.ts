import { NestFactory } from '@nestjs/core';
import { QueryBus } from '@nestjs/cqrs';
import { openEventStore } from '../ledger/open-event-store';
import { QueriesModule } from './queries.module';

/**
 * Opens the store (--store, then $NAS_LEDGER_STORE, then ./.nas-ledger), starts the query side on it, runs `fn`
 * with its QueryBus and closes both, also when `fn` fails. Used by the read-only CLI commands.
 */
export async function withQueryBus<T>(storeUrl: string | undefined, fn: (bus: QueryBus) => Promise<T>): Promise<T> {
  // Read-only: an embedded store another process holds is read through its read socket.
  const store = await openEventStore(storeUrl, { forReading: true });
  try {
    const app = await NestFactory.createApplicationContext(QueriesModule.withStore(store), { logger: false, abortOnError: false });
    try {
      return await fn(app.get(QueryBus));
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
  }
}
