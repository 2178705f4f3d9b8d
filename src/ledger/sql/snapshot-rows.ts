import { LedgerError } from '../../../domain/shared/ledger-error';
import { canonicalText } from '../canonical-text';
import type { SnapshotRecord } from '../event-store.port';
import { GENESIS_HASH, snapshotContentHash } from '../hash-chain';
import type { SqlExecutor } from './sql-client';

/** A snapshot that failed its check: which one, and why. */
export interface SnapshotFailure {
  readonly projection: string;
  readonly projectionVersion: string;
  readonly position: number;
  readonly reason: string;
}

export interface SnapshotRow {
  readonly position: string | number;
  readonly state: unknown;
  readonly chain_hash: string | null;
  readonly content_hash: string | null;
}

/** Writes a snapshot with the chain hash of the event at its position and the hash of its own content. */
export async function saveSnapshotRow(sql: SqlExecutor, snapshot: SnapshotRecord, chainHash: string): Promise<void> {
  const state = JSON.stringify(snapshot.state);
  if (state === undefined) throw new LedgerError('BAD_INPUT', 'snapshot state must be a JSON value', 'Snapshot plain data only.');
  // Hashed as it will be read back: the stored JSON, parsed, in canonical text (jsonb reorders keys).
  const contentHash = snapshotContentHash(snapshot.projection, snapshot.projectionVersion, snapshot.position, chainHash,
    canonicalText(JSON.parse(state)) ?? 'null');
  await sql.query(
    `insert into ledger_snapshots (projection, projection_version, position, state, chain_hash, content_hash)
     values ($1, $2, $3, $4::jsonb, $5, $6)
     on conflict (projection, projection_version, position) do update
       set state = excluded.state, chain_hash = excluded.chain_hash, content_hash = excluded.content_hash, saved_at = now()`,
    [snapshot.projection, snapshot.projectionVersion, snapshot.position, state, chainHash, contentHash]);
}

/** The latest stored snapshot at or before `atOrBefore`, unchecked. */
export async function latestSnapshotRow(sql: SqlExecutor, projection: string, projectionVersion: string,
  atOrBefore: number): Promise<SnapshotRow | null> {
  const rows = await sql.query<SnapshotRow>(
    `select position, state, chain_hash, content_hash from ledger_snapshots
     where projection = $1 and projection_version = $2 and position <= $3 order by position desc limit 1`,
    [projection, projectionVersion, atOrBefore]);
  return rows[0] ?? null;
}

/**
 * Why a snapshot row cannot be trusted, or null when it checks: it must carry hashes (rows saved before schema
 * version 2 do not), its chain hash must be the hash of the event at its position (`eventHash`, null when there is
 * none), and its content must match its own hash.
 */
export function snapshotProblem(projection: string, projectionVersion: string, row: SnapshotRow, eventHash: string | null): string | null {
  const position = Number(row.position);
  if (!row.chain_hash || !row.content_hash) return 'it was saved without hashes (before schema version 2) and cannot be checked';
  const chainHash = position === 0 ? GENESIS_HASH : eventHash;
  if (chainHash === null) return `it folds to position ${position}, beyond the log's head`;
  if (row.chain_hash !== chainHash) return `it folds to a chain hash the log does not have at position ${position}`;
  const recomputed = snapshotContentHash(projection, projectionVersion, position, row.chain_hash, canonicalText(row.state) ?? 'null');
  if (recomputed !== row.content_hash) return 'its content does not match its hash';
  return null;
}

export async function deleteSnapshotRow(sql: SqlExecutor, projection: string, projectionVersion: string, position: number): Promise<void> {
  await sql.query('delete from ledger_snapshots where projection = $1 and projection_version = $2 and position = $3',
    [projection, projectionVersion, position]);
}

/**
 * Checks every stored snapshot against the log as stored (the chain itself is checked by verify), one row at a
 * time so large states are not all held at once.
 */
export async function checkAllSnapshots(sql: SqlExecutor): Promise<{ checked: number; failures: SnapshotFailure[] }> {
  const keys = await sql.query<{ projection: string; projection_version: string; position: string | number }>(
    'select projection, projection_version, position from ledger_snapshots order by projection, projection_version, position');
  const failures: SnapshotFailure[] = [];
  for (const key of keys) {
    const position = Number(key.position);
    const [row] = await sql.query<SnapshotRow & { event_hash: string | null }>(
      `select s.position, s.state, s.chain_hash, s.content_hash, e.hash as event_hash
       from ledger_snapshots s left join ledger_events e on e.global_position = s.position
       where s.projection = $1 and s.projection_version = $2 and s.position = $3`, [key.projection, key.projection_version, position]);
    if (!row) continue;
    const reason = snapshotProblem(key.projection, key.projection_version, row, row.event_hash);
    if (reason) failures.push({ projection: key.projection, projectionVersion: key.projection_version, position, reason });
  }
  return { checked: keys.length, failures };
}
