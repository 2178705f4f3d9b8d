import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * Creating an embedded store runs PostgreSQL's initdb inside WASM: seconds of CPU and a ~900 MiB peak. A freshly
 * initialised data directory is the same every time, so it is made once per machine (per PGlite version) in the temp
 * directory and copied into each new store. Any problem falls back to a plain initdb; set
 * NAS_LEDGER_PGLITE_TEMPLATE=off to always initdb.
 */
export async function seedFromTemplate(pgdata: string): Promise<boolean> {
  if (process.env.NAS_LEDGER_PGLITE_TEMPLATE === 'off' || existsSync(pgdata)) return false;
  const template = join(tmpdir(), `nas-ledger-pglite-template-${pgliteVersion()}`);
  try {
    if (!existsSync(join(template, 'READY'))) await buildTemplate(template);
    const staging = `${pgdata}.seeding-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(join(template, 'pgdata'), staging, { recursive: true });
    renameSync(staging, pgdata);
    return true;
  } catch {
    return false;
  }
}

async function buildTemplate(template: string): Promise<void> {
  const staging = `${template}.building-${process.pid}-${Date.now()}`;
  try {
    mkdirSync(staging, { recursive: true });
    const db = await PGlite.create(join(staging, 'pgdata'));
    await db.close();
    writeFileSync(join(staging, 'READY'), new Date().toISOString() + '\n');
    renameSync(staging, template);
  } finally {
    // Lost the race to another process (rename onto a non-empty directory fails), or failed: clean up.
    rmSync(staging, { recursive: true, force: true });
  }
}

function pgliteVersion(): string {
  try {
    const main = require.resolve('@electric-sql/pglite');
    const pkg = JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
