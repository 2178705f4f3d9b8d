import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDirectory } from './make-directory';

// The /proc case (where Node's recursive mkdir spins) runs in a child process: tests/cli/store-dir-uncreatable.int.spec.ts.
describe('makeDirectory: mkdir -p that fails instead of spinning', () => {
  const root = mkdtempSync(join(tmpdir(), 'nas-mkdir-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('creates every missing level, and accepts one that exists', () => {
    const deep = join(root, 'a', 'b', 'c');
    makeDirectory(deep);
    assert.ok(statSync(deep).isDirectory());
    makeDirectory(deep);
    assert.ok(statSync(deep).isDirectory());
  });

  it('throws ENOTDIR under a regular file, or when the path is one', () => {
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    assert.throws(() => makeDirectory(join(file, 'sub')), (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR');
    assert.throws(() => makeDirectory(file), (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR');
  });
});
