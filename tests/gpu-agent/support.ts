import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunnerPool, type RunnerPoolOptions } from '../../gpu-agent/runner-pool/runner-pool';
import type { RunnerConfig } from '../../gpu-agent/runner-pool/runner-protocol';

/** A scratch directory under /var/tmp (the sandbox hides /tmp and $HOME, so files a sandboxed child must reach live here). */
export function scratch(prefix: string): { readonly dir: string; remove(): void } {
  const dir = mkdtempSync(join('/var/tmp', `nas-ledger-test-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runner pools for tests: their own dataset cache, so tests never leave decoded data in the shared cache. */
export async function testPool(size: number, extra: Partial<RunnerPoolOptions> = {}): Promise<{ pool: RunnerPool; cache: ReturnType<typeof scratch> }> {
  const cache = scratch('cache');
  const logs: string[] = [];
  const pool = await RunnerPool.start({
    size, ...extra, env: { NAS_LEDGER_CACHE: cache.dir, ...(extra.env ?? {}) },
    log: extra.log ?? ((line) => { logs.push(line); if (process.env.NAS_LEDGER_DEBUG) process.stderr.write(line + '\n'); }),
  });
  return { pool, cache };
}

/** Small, fast CPU settings: 512 Fashion-MNIST training images, 256 validation images. */
export const TINY: RunnerConfig = { dataset: 'fashion-mnist', subset: 512, valSubset: 256, device: 'cpu', seed: 7, timeoutS: 60 };

export const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** Runs the compiled CLI (the tree this spec was compiled into) in a child process, as a user would. */
export function evaluateCli(args: string[], cwd: string, env: Record<string, string>): SpawnSyncReturns<string> {
  const main = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
  const script = `require(${JSON.stringify(main)}).main(['node', 'nas-ledger', ...${JSON.stringify(args)}]).then((c) => { process.exitCode = c; })`;
  return spawnSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
}
