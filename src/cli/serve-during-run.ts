import { LedgerError } from '../../domain/shared/ledger-error';
import { startHttpServer } from '../http/http-server';
import type { EventStore } from '../ledger/event-store.port';
import { openEventStore } from '../ledger/open-event-store';
import { artifactDirFor } from '../ledger/artifact-store';

/**
 * `run --serve PORT` / `resume --serve PORT`: the dashboard and JSON API served by the running process itself, on
 * the store the loop writes to, so the charts grow while it runs (on 127.0.0.1; `serve` has --host for more). The
 * store is opened here and handed to the loop; the server stops before the store closes. Without a port, `work`
 * runs with no store of its own (the loop opens one).
 */
export async function withDashboardDuringRun<T>(port: number | undefined, storeUrl: string | undefined, log: (line: string) => void,
  work: (store: EventStore | undefined) => Promise<T>): Promise<T> {
  if (port === undefined) return work(undefined);
  if (port > 65535) throw new LedgerError('BAD_INPUT', `--serve must be at most 65535, got ${port}`, 'Use a port between 1 and 65535, or 0 for any free one.');
  const store = await openEventStore(storeUrl);
  try {
    const server = await startHttpServer(store, { port, host: '127.0.0.1', log, artifactsDir: artifactDirFor(storeUrl) });
    log(`dashboard: ${server.url} (while the run lasts)`);
    try {
      return await work(store);
    } finally {
      await server.close();
    }
  } finally {
    await store.close();
  }
}
