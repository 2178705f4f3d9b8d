import type { Command } from 'commander';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { parseAnchor, type Anchor } from '../../ledger/anchor';
import { artifactDirFor } from '../../ledger/artifact-store';
import { exportBundle, importBundle } from '../../ledger/bundle/bundle';
import { exportEvents, readEventsFile, rejectUnknownEvent } from '../../ledger/ledger-files';
import { openLedgerStore, type LedgerStore } from '../../ledger/open-event-store';
import { RESTORE_HINT } from '../../ledger/read-verifier';
import type { IntegrityReport, VerifyResult } from '../../ledger/sql/sql-event-store';
import { log, printJson, printLine } from '../cli-context';

interface StoreOptions {
  readonly store?: string;
  readonly json?: boolean;
}

interface VerifyOptions extends StoreOptions {
  readonly anchor?: string;
  readonly dropBadSnapshots?: boolean;
}

interface AnchorResult extends Anchor {
  readonly ok: boolean;
  readonly storedHash: string | null;
}

type FullVerifyResult = VerifyResult & IntegrityReport & { readonly anchor: AnchorResult | null; readonly droppedSnapshots: number };

interface BundleOptions extends StoreOptions {
  readonly bundle?: string;
  readonly artifacts?: string;
}

const ARTIFACTS_HELP = 'artifact directory (default: $NAS_LEDGER_ARTIFACTS, then <store>/artifacts)';

const STORE_HELP = 'store URL: postgres://… or a directory (default: $NAS_LEDGER_STORE, then ./.nas-ledger)';

/** `forReading`: an embedded store another process holds is read through its read socket (writes stay LOCKED). */
async function withStore<T>(url: string | undefined, fn: (store: LedgerStore) => Promise<T>, forReading = false): Promise<T> {
  const store = await openLedgerStore(url, { forReading });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The chain from genesis, the snapshots and checkpoints, and the anchor if one was given. */
async function verifyAll(store: LedgerStore, anchor: Anchor | null, dropBadSnapshots: boolean): Promise<FullVerifyResult> {
  const chain = await store.verify();
  if (anchor && anchor.position > chain.head) {
    throw new LedgerError('BAD_INPUT', `the anchor's position ${anchor.position} is beyond this log's head ${chain.head}`,
      'Check that the anchor was taken from this store. A log shorter than a published anchor has lost events: restore it from a backup.',
      { anchorPosition: anchor.position, head: chain.head });
  }
  const derived = await store.verifyDerived(chain.head);
  let anchorResult: AnchorResult | null = null;
  if (anchor) {
    const storedHash = await store.storedHashAt(anchor.position);
    anchorResult = { ...anchor, ok: storedHash === anchor.hash, storedHash };
  }
  const ok = chain.ok && derived.snapshots.failures.length === 0 && derived.checkpoints.failures.length === 0 && (anchorResult?.ok ?? true);
  const droppedSnapshots = dropBadSnapshots ? await store.dropSnapshots(derived.snapshots.failures) : 0;
  return { ...chain, ...derived, anchor: anchorResult, droppedSnapshots, ok };
}

function printVerify(result: FullVerifyResult): void {
  if (result.firstBreak) {
    printLine(`BROKEN at position ${result.firstBreak.position}: ${result.firstBreak.reason} (${result.checked} event(s) before it verified)`);
  } else printLine(`${result.ok ? 'ok' : 'chain ok'}: ${result.checked} event(s) verified, head ${result.head}, head hash ${result.headHash}`);
  for (const f of result.snapshots.failures) printLine(`SNAPSHOT ${f.projection} (${f.projectionVersion}) at position ${f.position}: ${f.reason}`);
  for (const f of result.checkpoints.failures) printLine(`CHECKPOINT ${f.name} at position ${f.position}: ${f.reason}`);
  if (result.anchor) {
    printLine(result.anchor.ok
      ? `anchor ok: the log extends ${result.anchor.hash}@${result.anchor.position}`
      : `ANCHOR MISMATCH at position ${result.anchor.position}: the anchor says ${result.anchor.hash}, the log has ${result.anchor.storedHash}`);
  }
  printLine(`${result.snapshots.checked} snapshot(s) and ${result.checkpoints.checked} checkpoint(s) checked`);
  if (result.droppedSnapshots > 0) printLine(`dropped ${result.droppedSnapshots} snapshot(s) that failed (queries rebuild them by replay)`);
}

/** The first failure, as the error that sets exit status 6. */
function failure(result: FullVerifyResult): LedgerError | null {
  if (result.firstBreak) {
    return new LedgerError('INTEGRITY', `the event log's hash chain is broken at position ${result.firstBreak.position}`,
      'Events up to the position before it are intact. Restore the ledger from a verified export or backup; ' +
      'do not append until it verifies.', { position: result.firstBreak.position, reason: result.firstBreak.reason });
  }
  if (result.anchor && !result.anchor.ok) {
    return new LedgerError('INTEGRITY', `the log does not extend the anchor: position ${result.anchor.position} has another hash`,
      'The log was rewritten (re-hashed) at or before that position since the anchor was taken. Restore it from a backup ' +
      'taken before; do not append until it verifies.', { position: result.anchor.position });
  }
  const snapshot = result.snapshots.failures[0];
  if (snapshot) {
    return new LedgerError('INTEGRITY',
      `${result.snapshots.failures.length} snapshot(s) fail their hash, first ${snapshot.projection} at position ${snapshot.position}: ${snapshot.reason}`,
      'Queries discard such snapshots and replay the log instead; find out who edited the store. ' + RESTORE_HINT,
      { position: snapshot.position, projection: snapshot.projection });
  }
  const checkpoint = result.checkpoints.failures[0];
  if (checkpoint) {
    return new LedgerError('INTEGRITY', `checkpoint ${checkpoint.name} is at position ${checkpoint.position}, beyond the head ${result.head}`,
      'The log lost events its readers had seen, or the checkpoint was edited. ' + RESTORE_HINT, { position: checkpoint.position, name: checkpoint.name });
  }
  return null;
}

export function register(program: Command): void {
  const events = program.command('events').description('The raw event log: verify its hash chain, export and import it.');

  events.command('verify')
    .description('Recompute the hash chain over the whole log and check snapshots and checkpoints; names each failure ' +
      '(exit status 6 if any). --anchor proves the log still extends a published head.')
    .option('--store <url>', STORE_HELP)
    .option('--anchor <file|hash@position>', 'a head published earlier (`events head --json` output, or HASH@POSITION)')
    .option('--drop-bad-snapshots', 'delete the snapshots that fail (caches of the log: queries rebuild them by replay)')
    .option('--json', 'print the result as JSON')
    .action(async (options: VerifyOptions) => {
      const anchor = options.anchor === undefined ? null : parseAnchor(options.anchor);
      const result = await withStore(options.store, (store) => verifyAll(store, anchor, options.dropBadSnapshots === true), true);
      if (options.json) printJson(result);
      else printVerify(result);
      const error = failure(result);
      if (error) throw error;
    });

  events.command('head')
    .description('Print the head position and its hash: an anchor to publish (a paper, a commit, a timestamping service) ' +
      'and check later with `events verify --anchor`.')
    .option('--store <url>', STORE_HELP)
    .option('--json', 'print {position, hash, store} as JSON (a file `events verify --anchor` reads)')
    .action(async (options: StoreOptions) => {
      const head = await withStore(options.store, async (store) => ({ ...(await store.headAnchor()), store: store.kind }), true);
      if (options.json) printJson(head);
      else printLine(`${head.hash}@${head.position}`);
    });

  events.command('export')
    .description('Write every event, exactly as recorded, as JSON Lines to stdout: nas-ledger events export > ledger.jsonl. ' +
      'With --bundle FILE: a tar file with the events, every artifact they name (grammar θ files, LoRA adapters) and a manifest of content hashes.')
    .option('--store <url>', STORE_HELP)
    .option('--bundle <file>', 'write a portable bundle (events + artifacts + manifest) to FILE instead of JSON Lines to stdout')
    .option('--artifacts <dir>', ARTIFACTS_HELP)
    .option('--json', 'with --bundle: print the summary as JSON')
    .action(async (options: BundleOptions) => {
      if (options.bundle !== undefined) {
        const bundle = options.bundle;
        const summary = await withStore(options.store, (store) => exportBundle(store, options.artifacts ?? artifactDirFor(options.store), bundle), true);
        if (options.json) printJson({ file: bundle, ...summary });
        else printLine(`wrote ${bundle}: ${summary.events} event(s), ${summary.artifacts} artifact(s), ${summary.bytes} bytes`);
        return;
      }
      const count = await withStore(options.store, (store) => exportEvents(store, process.stdout), true);
      log(`exported ${count} event(s)`);
    });

  events.command('import [file]')
    .description('Import a JSON Lines export, keeping ids, positions and hashes. Refuses a file whose chain does not verify, ' +
      'unknown event types or versions, and a non-empty store unless the file continues it exactly. With --bundle FILE: checks every ' +
      'hash in the bundle (manifest, artifacts, event chain) before it writes anything, then puts the artifacts in the artifact directory.')
    .option('--store <url>', STORE_HELP)
    .option('--bundle <file>', 'import a bundle written by `events export --bundle`')
    .option('--artifacts <dir>', ARTIFACTS_HELP)
    .option('--json', 'print the result as JSON')
    .action(async (file: string | undefined, options: BundleOptions) => {
      if (options.bundle !== undefined) {
        if (file !== undefined) throw new LedgerError('BAD_INPUT', 'give either a JSON Lines file or --bundle FILE, not both', 'Bundles carry their own events.');
        const bundle = options.bundle;
        const result = await withStore(options.store, (store) => importBundle(store, options.artifacts ?? artifactDirFor(options.store), bundle));
        if (options.json) printJson(result);
        else printLine(`imported ${result.imported} event(s) (${result.alreadyPresent} already present), head ${result.head}; ${result.artifacts} artifact(s) written`);
        return;
      }
      if (file === undefined) throw new LedgerError('BAD_INPUT', 'no file to import', 'Pass a JSON Lines export (events import FILE) or a bundle (events import --bundle FILE).');
      const result = await withStore(options.store, (store) => store.importEvents(readEventsFile(file), { rejectEvent: rejectUnknownEvent }));
      if (options.json) printJson(result);
      else printLine(`imported ${result.imported} event(s) (${result.alreadyPresent} already present), head ${result.head}`);
    });
}
