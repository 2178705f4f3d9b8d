import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyUnifiedDiff } from '../../domain/generators/unified-diff';

const MAIN = join(__dirname, '..', '..', 'src', 'cli', 'main.js');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(MAIN)}).main(process.argv).then((c) => { process.exitCode = c; })`, 'nas-ledger', ...args],
    { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

interface Row { index: number; file: string; codeHash: string; generatorVersion: string; parent: string | null; diffFile: string | null; failure: unknown }

function parseRows(stdout: string): Row[] {
  try { return JSON.parse(stdout) as Row[]; } catch (error) { throw new Error(`stdout is not JSON (${(error as Error).message}): ${JSON.stringify(stdout.slice(0, 300))}`); }
}

describe('nas-ledger generate', () => {
  it('writes programs to --out, prints file, codeHash, version and parent, and repeats itself under the same seed and version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'generate-cli-'));
    try {
      const common = ['generate', '--generator', 'grammar', '--n', '4', '--seed', '9', '--artifacts', join(dir, 'artifacts'), '--json'];
      const a = cli([...common, '--out', join(dir, 'a')]);
      assert.equal(a.status, 0, a.stderr);
      const rowsA = parseRows(a.stdout);
      assert.equal(rowsA.length, 4);
      for (const r of rowsA) {
        assert.match(r.generatorVersion, /^grammar-[0-9a-f]{16}$/);
        assert.equal(r.parent, null);
        assert.match(readFileSync(r.file, 'utf8'), /class Net\(nn\.Module\)/);
      }
      const b = cli([...common, '--out', join(dir, 'b'), '--generator-version', rowsA[0]!.generatorVersion]);
      assert.equal(b.status, 0, b.stderr);
      assert.deepEqual(parseRows(b.stdout).map((r) => r.codeHash), rowsA.map((r) => r.codeHash));
      assert.deepEqual(readdirSync(join(dir, 'a')), readdirSync(join(dir, 'b')));

      const d = cli(['generate', '--generator', 'grammar', '--n', '3', '--seed', '1', '--delta', '--parents', join(dir, 'a'), '--out', join(dir, 'd'), '--artifacts', join(dir, 'artifacts'), '--json']);
      assert.equal(d.status, 0, d.stderr);
      for (const r of parseRows(d.stdout)) {
        assert.match(r.parent ?? '', /^file:\d{3}-[0-9a-f]{12}\.py$/);
        const parent = readFileSync(join(dir, 'a', r.parent!.slice('file:'.length)), 'utf8');
        assert.equal(applyUnifiedDiff(parent, readFileSync(r.diffFile!, 'utf8')), readFileSync(r.file, 'utf8'));
      }

      const text = cli(['generate', '--generator', 'grammar', '--n', '1', '--out', join(dir, 't'), '--artifacts', join(dir, 'artifacts')]);
      assert.match(text.stdout, /^\S+000-[0-9a-f]{12}\.py\t[0-9a-f]{12}\tgrammar-[0-9a-f]{16}\t-\tok\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown generator and a version it does not have, with exit codes and hints', () => {
    const dir = mkdtempSync(join(tmpdir(), 'generate-cli-bad-'));
    try {
      const unknown = cli(['generate', '--generator', 'gpt', '--out', join(dir, 'x'), '--artifacts', dir]);
      assert.equal(unknown.status, 2);
      assert.match(unknown.stderr, /unknown generator "gpt"[\s\S]*hint: Use grammar/);
      const missing = cli(['generate', '--generator', 'grammar', '--generator-version', 'grammar-00000000000000ff', '--out', join(dir, 'x'), '--artifacts', dir]);
      assert.equal(missing.status, 3);
      const sim = cli(['generate', '--generator', 'sim', '--out', join(dir, 'x'), '--artifacts', dir]);
      assert.equal(sim.status, 11);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
