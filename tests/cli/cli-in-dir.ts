import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore } from '../../src/ledger/open-event-store';

const MAIN = join(__dirname, '..', '..', 'src', 'cli', 'main.js');

export interface BoundedRun { code: number | null; output: string; stdout: string; timedOut: boolean }

/**
 * The real CLI in a child process with its own working directory and environment. A child still running after
 * `limitMs` is killed (SIGKILL) and reported as timedOut: a hang fails the spec instead of hanging the suite.
 * The limit is a safety net, generous on purpose; no spec asserts on speed.
 */
export function runCliIn(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, limitMs = 120_000): Promise<BoundedRun> {
  const script = `require(${JSON.stringify(MAIN)}).main(['node', 'nas-ledger', ...process.argv.slice(1)]).then((c) => { process.exitCode = c; })`;
  const child = spawn(process.execPath, ['-e', script, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, limitMs);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, output, stdout, timedOut }); });
  });
}

export const freshDir = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));

/** The store's head position and the experiment ids it holds (opened in this process, closed again). */
export async function ledgerState(location: string): Promise<{ head: number; experiments: string[] }> {
  const store = await openEventStore(location);
  try {
    const head = await store.head();
    const experiments: string[] = [];
    for (const e of await store.readAll({ after: 0, limit: 100_000 })) {
      if (e.type === 'ExperimentRegistered') experiments.push((e.data as { experimentId: string }).experimentId);
    }
    return { head, experiments };
  } finally {
    await store.close();
  }
}
