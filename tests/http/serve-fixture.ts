import { spawnCli } from '../support/cli-child';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExperimentHistory } from '../support/ledger-fixtures';
import { seedStore } from '../support/seeded-store';


export interface ServedLedger {
  readonly url: string;
  readonly dir: string;
  /** SIGTERM, as Ctrl-C would; resolves with the exit status once the server closed the store. Idempotent. */
  stop(): Promise<number>;
  /** Stops the server if it runs and deletes the store directory. */
  remove(): Promise<void>;
}

export { runCli, spawnCli, type CliRun } from '../support/cli-child';

/** Fills a fresh embedded store with the histories, then runs `nas-ledger serve --port 0 --json` on it. */
export async function serveHistories(histories: readonly ExperimentHistory[]): Promise<ServedLedger> {
  const dir = mkdtempSync(join(tmpdir(), 'nas-ledger-http-'));
  try {
    await seedStore(dir, histories, (i) => ({ startTime: new Date(Date.UTC(2026, 0, 1 + i * 7)).toISOString() }));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return serveStore(dir);
}

/** Runs `nas-ledger serve --port 0 --json` on a store the caller filled (`remove()` deletes `dir`). */
export async function serveStore(dir: string): Promise<ServedLedger> {
  const child = spawnCli(['serve', '--store', dir, '--port', '0', '--host', '127.0.0.1', '--json']);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : -1))));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /"url":\s*"([^"]+)"/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`nas-ledger serve exited with ${code} before listening:\n${stderr}`)));
  });
  let stopped: Promise<number> | null = null;
  const stop = (): Promise<number> => {
    stopped ??= (async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    })();
    return stopped;
  };
  return {
    url,
    dir,
    stop,
    remove: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface JsonReply { status: number; contentType: string; body: Record<string, unknown> }

export async function getJson(url: string): Promise<JsonReply> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, unknown> };
}
