import { LedgerError } from '../../../domain/shared/ledger-error';
import type { SnapshotRecord } from '../event-store.port';
import type { SqlReads } from './reads';
import { deleteSnapshotRow, latestSnapshotRow, saveSnapshotRow, snapshotProblem, type SnapshotFailure } from './snapshot-rows';
import type { SqlExecutor } from './sql-client';

/**
 * Snapshots: caches of folds over the log, each bound to the chain hash of the event it folds to and to a hash of
 * its own content. One that fails its check on load is discarded, reported and rebuilt (the next older one is
 * tried, down to a replay from 0).
 */
export class SqlSnapshots {
  /** Snapshots that failed their check on load, were discarded and rebuilt by replay (observability, tests). */
  readonly integrity = { snapshotsDiscarded: 0 };

  constructor(private readonly sql: SqlExecutor, private readonly reads: SqlReads,
    private readonly onIntegrityWarning?: (message: string) => void) {}

  async save(snapshot: SnapshotRecord): Promise<void> {
    if (!snapshot.projection || !snapshot.projectionVersion || !Number.isInteger(snapshot.position) || snapshot.position < 0) {
      throw new LedgerError('BAD_INPUT', 'a snapshot needs projection, projectionVersion and an integer position >= 0',
        'Pass the position of the last event folded into the state.');
    }
    const chainHash = await this.reads.verifiedHashAt(snapshot.position);
    if (chainHash === null) {
      throw new LedgerError('BAD_INPUT', `a snapshot at position ${snapshot.position} folds past the log's head`,
        'Snapshot a fold over events that are recorded: its position must be at most the head.', { position: snapshot.position });
    }
    await saveSnapshotRow(this.sql, snapshot, chainHash);
  }

  async load(projection: string, projectionVersion: string, atOrBefore: number): Promise<SnapshotRecord | null> {
    // A snapshot that fails its check is discarded and reported; the next older one is tried, down to a replay.
    for (let bound = atOrBefore; ;) {
      const row = await latestSnapshotRow(this.sql, projection, projectionVersion, bound);
      if (!row) return null;
      const position = Number(row.position);
      const problem = snapshotProblem(projection, projectionVersion, row, await this.reads.verifiedHashAt(position));
      if (!problem) return { projection, projectionVersion, position, state: row.state };
      await deleteSnapshotRow(this.sql, projection, projectionVersion, position).catch(() => undefined);
      this.integrity.snapshotsDiscarded++;
      const warn = this.onIntegrityWarning ?? ((m: string) => process.stderr.write(`nas-ledger: warning: ${m}\n`));
      warn(`discarded the snapshot of ${projection} (${projectionVersion}) at position ${position}: ${problem}; ` +
        'the view is rebuilt by replaying the log');
      bound = position - 1;
    }
  }

  /** Keeps the latest `keepLatest` per projection version; returns how many were deleted. */
  async prune(projection: string, keepLatest: number): Promise<number> {
    if (!projection || typeof projection !== 'string' || !Number.isInteger(keepLatest) || keepLatest < 0) {
      throw new LedgerError('BAD_INPUT', 'pruneSnapshots needs a projection name and keepLatest, an integer >= 0',
        'Pass how many of the latest snapshots to keep per projection version (0 deletes them all).');
    }
    const rows = await this.sql.query<{ n: string | number }>(
      `with pruned as (
         delete from ledger_snapshots s using (
           select projection_version, position, row_number() over (partition by projection_version order by position desc) as newest
           from ledger_snapshots where projection = $1) r
         where s.projection = $1 and s.projection_version = r.projection_version and s.position = r.position and r.newest > $2
         returning 1)
       select count(*) as n from pruned`, [projection, keepLatest]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Deletes the given snapshots (those a verification found failing); returns how many. */
  async drop(failures: readonly SnapshotFailure[]): Promise<number> {
    for (const f of failures) await deleteSnapshotRow(this.sql, f.projection, f.projectionVersion, f.position);
    return failures.length;
  }
}
