import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * A real PostgreSQL 15 server (the Debian package) for tests: its own data directory and unix-socket directory
 * in /tmp, a free local port, stopped and deleted by stop(). When running as root the server runs as `postgres`.
 * Set NAS_LEDGER_TEST_PG_URL to use an existing server instead (each createDatabase() still gets a fresh database).
 */
export interface PostgresServer {
  /** URL of the `postgres` maintenance database. */
  readonly url: string;
  readonly port: number;
  /** Creates an empty database and returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /**
   * fsync on/off. Tests kill client processes, never the server, so durability against power loss is not what
   * they test and fsync=off keeps them fast; the benchmark turns it on to report honest figures.
   */
  readonly fsync?: boolean;
}

const BIN = process.env.NAS_LEDGER_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

function asServerUser(command: string, args: string[]): { command: string; args: string[] } {
  return IS_ROOT ? { command: 'runuser', args: ['-u', 'postgres', '--', command, ...args] } : { command, args };
}

function run(command: string, args: string[]): void {
  const c = asServerUser(command, args);
  const result = spawnSync(c.command, c.args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

let databaseCounter = 0;

async function createDatabaseAt(adminUrl: string, prefix: string): Promise<string> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${databaseCounter++}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const external = process.env.NAS_LEDGER_TEST_PG_URL;
  if (external) {
    return {
      url: external,
      port: Number(new URL(external).port || 5432),
      createDatabase: (prefix = 'nas_ledger_test') => createDatabaseAt(external, prefix),
      stop: async () => undefined,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'nas-ledger-pg-'));
  const dataDir = join(dir, 'data');
  if (IS_ROOT) {
    const postgres = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const group = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    chownSync(dir, Number(postgres), Number(group));
  }
  chmodSync(dir, 0o700);
  run(join(BIN, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  const port = await freePort();
  const serverOptions = [
    `-p ${port}`, `-k ${dir}`, "-c listen_addresses='127.0.0.1'", '-c max_connections=200',
    `-c fsync=${options.fsync === true ? 'on' : 'off'}`, '-c shared_buffers=128MB',
  ].join(' ');
  run(join(BIN, 'pg_ctl'), ['-D', dataDir, '-l', join(dir, 'server.log'), '-o', serverOptions, '-w', '-t', '60', 'start']);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    try {
      run(join(BIN, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A test process that dies without calling stop() must not leave a server behind.
  process.once('exit', () => {
    if (stopped) return;
    const c = asServerUser(join(BIN, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    spawnSync(c.command, c.args);
    rmSync(dir, { recursive: true, force: true });
  });
  // Ctrl-C or a runner's SIGTERM would otherwise skip the exit hook above; exit normally instead (same status).
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    if (process.listenerCount(signal) === 0) process.once(signal, () => process.exit(status));
  }
  return { url, port, createDatabase: (prefix = 'nas_ledger_test') => createDatabaseAt(url, prefix), stop };
}
