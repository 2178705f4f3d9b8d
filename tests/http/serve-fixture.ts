import assert from 'node:assert/strict';
import { runCli, spawnCli } from '../support/cli-child';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExperimentHistory } from '../support/ledger-fixtures';
import { seedStore } from '../support/seeded-store';
import { fetchJson, type ApiReply } from './api-reply';

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

export type JsonReply = Pick<ApiReply, 'status' | 'contentType' | 'body'>;

/** GET a JSON reply (fetchJson's, which fails the spec on a body that is not JSON). */
export const getJson: (url: string) => Promise<JsonReply> = fetchJson;

/**
 * A store directory that a spec fills (through the CLI or its own writes), then serves, and whose routes it checks
 * against the CLI's --json on the same store. The CLI runs with NAS_LEDGER_STORE and NAS_LEDGER_ARTIFACTS cleared.
 * Its members are plain functions, so a spec may take them out of the object.
 */
export interface CliComparedLedger {
  /** The store directory (inside a temporary parent that remove() deletes). */
  readonly dir: string;
  /** `nas-ledger <args> --store <dir> --json`: asserts exit 0 and returns stdout parsed. */
  readonly cli: <T>(...args: string[]) => Promise<T>;
  /** Starts `nas-ledger serve` on the store; call once the store is filled (the embedded store is locked while served). */
  readonly serve: () => Promise<void>;
  /** GET `path` from the server. */
  readonly api: (path: string) => Promise<ApiReply>;
  /** GET `path` is 200 JSON and its body is the CLI's JSON for the same query. */
  readonly sameAsCli: (path: string, ...args: string[]) => Promise<Record<string, unknown>>;
  /** Stops the server and deletes the directory. */
  readonly remove: () => Promise<void>;
}

export function cliComparedLedger(prefix: string): CliComparedLedger {
  const parent = mkdtempSync(join(tmpdir(), prefix));
  const dir = join(parent, 'ledger');
  let served: ServedLedger | null = null;
  const api = (path: string): Promise<ApiReply> => {
    if (!served) throw new Error('serve() the ledger before calling its API');
    return fetchJson(new URL(path, served.url).toString());
  };
  const cli = async <T>(...args: string[]): Promise<T> => {
    const run = await runCli([...args, '--store', dir, '--json'], { NAS_LEDGER_STORE: '', NAS_LEDGER_ARTIFACTS: '' });
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    return JSON.parse(run.stdout) as T;
  };
  return {
    dir, cli, api,
    serve: async () => {
      served = await serveStore(dir);
    },
    sameAsCli: async (path, ...args) => {
      const reply = await api(path);
      assert.equal(reply.status, 200, `${path}: ${reply.text}`);
      assert.match(reply.contentType, /^application\/json/);
      assert.deepEqual(reply.body, await cli(...args), path);
      return reply.body;
    },
    remove: async () => {
      await served?.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
