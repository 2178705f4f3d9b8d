import type { Command } from 'commander';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { exportEvents, readEventsFile, rejectUnknownEvent } from '../../ledger/ledger-files';
import { openSqlEventStore } from '../../ledger/open-event-store';
import type { SqlEventStore } from '../../ledger/sql/sql-event-store';
import { log, printJson, printLine } from '../cli-context';

interface StoreOptions {
  readonly store?: string;
  readonly json?: boolean;
}

const STORE_HELP = 'store URL: postgres://… or a directory (default: $NAS_LEDGER_STORE, then ./.nas-ledger)';

async function withStore<T>(url: string | undefined, fn: (store: SqlEventStore) => Promise<T>): Promise<T> {
  const store = await openSqlEventStore(url);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function register(program: Command): void {
  const events = program.command('events').description('The raw event log: verify its hash chain, export and import it.');

  events.command('verify')
    .description('Recompute the hash chain over the whole log; names the first broken position (exit status 6 if any).')
    .option('--store <url>', STORE_HELP)
    .option('--json', 'print the result as JSON')
    .action(async (options: StoreOptions) => {
      const result = await withStore(options.store, (store) => store.verify());
      if (options.json) printJson(result);
      else if (result.ok) printLine(`ok: ${result.checked} event(s) verified, head ${result.head}, head hash ${result.headHash}`);
      else printLine(`BROKEN at position ${result.firstBreak!.position}: ${result.firstBreak!.reason} (${result.checked} event(s) before it verified)`);
      if (!result.ok) {
        throw new LedgerError('INTEGRITY', `the event log's hash chain is broken at position ${result.firstBreak!.position}`,
          'Events up to the position before it are intact. Restore the ledger from a verified export or backup; ' +
          'do not append until it verifies.', { position: result.firstBreak!.position, reason: result.firstBreak!.reason });
      }
    });

  events.command('export')
    .description('Write every event, exactly as recorded, as JSON Lines to stdout: nas-ledger events export > ledger.jsonl')
    .option('--store <url>', STORE_HELP)
    .action(async (options: StoreOptions) => {
      const count = await withStore(options.store, (store) => exportEvents(store, process.stdout));
      log(`exported ${count} event(s)`);
    });

  events.command('import <file>')
    .description('Import a JSON Lines export, keeping ids, positions and hashes. Refuses a file whose chain does not verify, ' +
      'unknown event types or versions, and a non-empty store unless the file continues it exactly.')
    .option('--store <url>', STORE_HELP)
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: StoreOptions) => {
      const result = await withStore(options.store, (store) => store.importEvents(readEventsFile(file), { rejectEvent: rejectUnknownEvent }));
      if (options.json) printJson(result);
      else printLine(`imported ${result.imported} event(s) (${result.alreadyPresent} already present), head ${result.head}`);
    });
}
