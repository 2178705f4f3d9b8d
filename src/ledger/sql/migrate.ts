import { MIGRATE_LOCK_KEY, SCHEMA_SQL, SCHEMA_TABLE_SQL, SCHEMA_VERSION } from './schema';
import type { SqlClient, SqlExecutor } from './sql-client';

/** Creates or upgrades the schema if needed, serialized across processes by its own advisory lock. */
export async function ensureSchema(client: SqlClient): Promise<void> {
  // DDL on a live table would queue behind (and block) running appends, so it only runs when needed.
  if (await schemaIsCurrent(client)) return;
  await client.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(${MIGRATE_LOCK_KEY})`);
    // Reading the version table (not just the catalog) after taking the lock sees a concurrent migrator's commit.
    await tx.query(SCHEMA_TABLE_SQL);
    const rows = await tx.query<{ v: number | null }>('select max(version) as v from ledger_schema');
    if ((rows[0]?.v ?? 0) >= SCHEMA_VERSION) return;
    for (const statement of splitStatements(SCHEMA_SQL)) await tx.query(statement);
  });
}

async function schemaIsCurrent(sql: SqlExecutor): Promise<boolean> {
  const exists = await sql.query<{ t: string | null }>("select to_regclass('ledger_schema')::text as t");
  if (!exists[0]?.t) return false;
  const rows = await sql.query<{ v: number | null }>('select max(version) as v from ledger_schema');
  return (rows[0]?.v ?? 0) >= SCHEMA_VERSION;
}

/** Splits the schema script on top-level semicolons, keeping $$-quoted function bodies whole. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let inDollar = false;
  for (let i = 0; i < sql.length; i++) {
    if (sql.startsWith('$$', i)) {
      inDollar = !inDollar;
      current += '$$';
      i++;
      continue;
    }
    const ch = sql[i]!;
    if (ch === ';' && !inDollar) {
      if (current.trim()) out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
