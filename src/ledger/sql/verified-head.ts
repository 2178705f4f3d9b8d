import type { SqlExecutor } from './sql-client';

export interface VerifiedHeadRecord {
  readonly position: number;
  readonly hash: string;
  readonly verifiedAt: string;
}

export interface CheckpointFailure {
  readonly name: string;
  readonly position: number;
  readonly reason: string;
}

/** The position (and its hash) up to which run/resume last verified the whole chain, or null. */
export async function verifiedHeadRecord(sql: SqlExecutor): Promise<VerifiedHeadRecord | null> {
  const rows = await sql.query<{ position: string | number; hash: string; at: string }>(
    'select position, hash, verified_at::text as at from ledger_verified where id');
  const row = rows[0];
  return row ? { position: Number(row.position), hash: row.hash, verifiedAt: row.at } : null;
}

export async function recordVerifiedHead(sql: SqlExecutor, position: number, hash: string): Promise<void> {
  await sql.query(
    `insert into ledger_verified (id, position, hash, verified_at) values (true, $1, $2, now())
     on conflict (id) do update set position = excluded.position, hash = excluded.hash, verified_at = excluded.verified_at
     where ledger_verified.position < excluded.position`, [position, hash]);
}

/** Checkpoints must lie within the log: a subscription past the head would skip the events appended up to it. */
export async function checkpointsBeyond(sql: SqlExecutor, head: number): Promise<{ checked: number; failures: CheckpointFailure[] }> {
  const rows = await sql.query<{ name: string; position: string | number }>('select name, position from ledger_checkpoints order by name');
  // A store in use moves on while it is verified (another process appends, its subscriptions advance): the head
  // read after the checkpoints bounds them, not the head the chain check ended at.
  const now = await sql.query<{ p: string | number | null }>('select max(global_position) as p from ledger_events');
  const bound = Math.max(head, Number(now[0]?.p ?? 0));
  const failures = rows.filter((r) => Number(r.position) > bound || Number(r.position) < 0)
    .map((r) => ({ name: r.name, position: Number(r.position), reason: `checkpoint at position ${r.position}, beyond the head ${bound}` }));
  return { checked: rows.length, failures };
}
