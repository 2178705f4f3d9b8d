import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'src', 'cli', 'main.js');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(MAIN)}).main(process.argv).then((c) => { process.exitCode = c; })`, 'nas-ledger', ...args],
    { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

interface Row { index: number; parent: string | null; diffFile: string | null; deltaFallback: boolean }

// `generate --delta` with no grammar-written parents (the seed corpus is hand-written) silently wrote full programs.
describe('generate --delta without grammar-written parents', () => {
  it('says on stderr that it wrote full programs, and marks each such row deltaFallback in the JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'generate-delta-'));
    try {
      const args = ['generate', '--generator', 'grammar', '--n', '3', '--seed', '4', '--artifacts', join(dir, 'artifacts'), '--json'];
      const fallback = cli([...args, '--delta', '--out', join(dir, 'fallback')]);
      assert.equal(fallback.status, 0, fallback.stderr);
      const rows = JSON.parse(fallback.stdout) as Row[];
      assert.equal(rows.length, 3);
      assert.ok(rows.every((r) => r.parent === null && r.deltaFallback === true), fallback.stdout);
      assert.match(fallback.stderr, /--delta: 3 of 3 program\(s\) written in full/);
      assert.match(fallback.stderr, /--parents/);

      // Grammar-written parents (an earlier --out): diffs, no fallback, no warning.
      const parents = cli([...args, '--out', join(dir, 'parents')]);
      assert.equal(parents.status, 0, parents.stderr);
      const children = cli([...args, '--delta', '--parents', join(dir, 'parents'), '--out', join(dir, 'children')]);
      assert.equal(children.status, 0, children.stderr);
      const childRows = JSON.parse(children.stdout) as Row[];
      assert.ok(childRows.every((r) => r.parent !== null && r.deltaFallback === false), children.stdout);
      assert.doesNotMatch(children.stderr, /written in full/);

      // Without --delta nothing falls back: the key is false.
      const full = JSON.parse(cli([...args, '--out', join(dir, 'full')]).stdout) as Row[];
      assert.ok(full.every((r) => r.deltaFallback === false));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
