import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { LedgerError } from '../../../../domain/shared/ledger-error';
import type { UpcasterRegistry } from '../../upcasters';
import { KurrentDbEventStore } from './kurrentdb-event-store';
import { parseKurrentDbUrl, supportsMultiStreamAppend } from './kurrentdb-url';
import { translateClientError } from './kurrentdb-streams';

/** How long opening may take before an unreachable server is reported (the client itself retries discovery). */
export const KURRENTDB_CONNECT_TIMEOUT_MS = 5000;

export interface OpenKurrentDbOptions {
  readonly upcasters?: UpcasterRegistry;
  readonly onIntegrityWarning?: (message: string) => void;
  readonly connectTimeoutMs?: number;
}

/**
 * Connects and asks the server what it is, within a bounded time: an unreachable server is UNAVAILABLE, one too old
 * for multi-stream appends (before 25.1) UNSUPPORTED, both before anything is read or written.
 */
export async function openKurrentDbEventStore(url: string, options: OpenKurrentDbOptions = {}): Promise<KurrentDbEventStore> {
  const location = parseKurrentDbUrl(url);
  const timeoutMs = options.connectTimeoutMs ?? KURRENTDB_CONNECT_TIMEOUT_MS;
  let client: KurrentDBClient;
  try {
    client = KurrentDBClient.connectionString(location.connectionString);
  } catch (error) {
    throw new LedgerError('BAD_INPUT', `cannot use the store URL ${location.redacted}: ${(error as Error).message}`,
      'Use kurrentdb://[user:pass@]host:2113[?tls=false][&ledger=name].');
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const version = await Promise.race([
      serverVersion(client),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new LedgerError('UNAVAILABLE',
          `no answer from the KurrentDB server at ${location.redacted} within ${timeoutMs} ms`,
          'Check that the KurrentDB server is running and reachable at that address (add tls=false for an insecure node), ' +
          'or choose another store with --store or NAS_LEDGER_STORE.', { timeoutMs })), timeoutMs);
      }),
    ]);
    if (!supportsMultiStreamAppend(version)) {
      const known = /^\d/.test(version);
      throw new LedgerError('UNSUPPORTED', `the KurrentDB server at ${location.redacted} ${known ? `is version ${version}` : 'reports no version (older than EventStoreDB 22, or not a KurrentDB server)'}; ` +
        'the ledger needs multi-stream appends (KurrentDB 25.1 or newer)',
        'Upgrade the server to KurrentDB 25.1+, or use PostgreSQL (postgres://…) or the embedded store.', { serverVersion: version });
    }
    return new KurrentDbEventStore(client, location.ledger, options);
  } catch (error) {
    await client.dispose().catch(() => undefined);
    const translated = translateClientError(error, `at ${location.redacted}`);
    if (translated instanceof LedgerError) throw translated;
    throw new LedgerError('UNAVAILABLE', `cannot open the KurrentDB ledger at ${location.redacted}: ${(error as Error).message}`,
      'Check that the KurrentDB server is running and reachable at that address.');
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The server's version from its server-features endpoint. The client fetches it to pick protocols but keeps it
 * protected; it is read here rather than probing with a write.
 */
async function serverVersion(client: KurrentDBClient): Promise<string> {
  const features = await (client as unknown as { capabilities: Promise<{ serverVersion?: string }> }).capabilities;
  return features.serverVersion ?? '';
}
