import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../src/shared/repo-root';

const mainJs = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
const seed = (name: string) => join(repoRoot(), 'gpu-agent', 'seed-corpus', name);

function compare(a: string, b: string, ...flags: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(mainJs)}).main([process.argv[0], "nas-ledger", ...process.argv.slice(1)]).then((c) => { process.exitCode = c; })`,
    '--', 'novelty', 'compare', a, b, '--json', ...flags], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** LeNet-5 with every module attribute and local renamed, re-indented, comments dropped: the same architecture. */
function disguised(source: string): string {
  let out = source;
  for (const [from, to] of [['features', 'body'], ['classifier', 'head'], ['pool', 'squeeze'], ['inputs', 'xb'], ['labels', 'yb'], ['outputs', 'logits'], ['(self, x)', '(self, inp)'], ['(self.features(x))', '(self.features(inp))']]) {
    out = out.split(from!).join(to);
  }
  out = out.replace('(self.body(x))', '(self.body(inp))');
  return out.split('\n').filter((l) => !l.trim().startsWith('#')).map((l) => l.replace(/^( +)/, (s) => ' '.repeat(s.length / 2))).join('\n');
}

describe('nas-ledger novelty compare (real fingerprint job)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'novelty-compare-'));
  const original = join(dir, 'lenet5.py');
  const copy = join(dir, 'lenet5_disguised.py');

  before(() => {
    copyFileSync(seed('lenet5.py'), original);
    writeFileSync(copy, disguised(readFileSync(original, 'utf8')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('catches a renamed, reformatted copy by structure even where the text filter does not', () => {
    const r = compare(original, copy, '--normalize-names');
    assert.equal(r.structuralMatch, true, String(r.structuralNote));
    assert.equal(r.structuralA, r.structuralB);
    assert.equal(r.tokensA, r.tokensB);
    assert.ok((r.jaccardExact as number) < 0.9, `text J ${String(r.jaccardExact)}: attribute names are kept by normalisation`);
    assert.equal(r.nearDuplicate, false);
  });

  it('tells a different architecture apart, and keeps the required keys', () => {
    const r = compare(original, seed('lenet_bn.py'));
    for (const key of ['tokensA', 'tokensB', 'jaccardExact', 'jaccardEstimate', 'nearDuplicate', 'structuralMatch']) assert.ok(key in r, key);
    assert.equal(r.structuralMatch, false, String(r.structuralNote));
    assert.ok(Math.abs((r.jaccardExact as number) - (r.jaccardEstimate as number)) < 0.1);
  });
});
