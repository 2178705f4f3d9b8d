import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'src', 'cli', 'main.js');

export interface CliRun { code: number; stdout: string; stderr: string }

/** The real CLI in a child process, as a user runs it (the embedded store is locked by one process at a time). */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  const script = `require(${JSON.stringify(MAIN)}).main(['node', 'nas-ledger', ...process.argv.slice(1)]).then((c) => { process.exitCode = c; })`;
  return spawn(process.execPath, ['-e', script, ...args], { env: { ...process.env, ...env } });
}

/** Runs the CLI to completion and collects its exit status, stdout and stderr. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
