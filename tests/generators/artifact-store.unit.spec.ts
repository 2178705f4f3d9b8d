import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore, artifactDirFor, directoryHash } from '../../src/ledger/artifact-store';
import { LedgerError } from '../../domain/shared/ledger-error';

describe('the artifact directory', () => {
  it('sits next to an embedded store, in ./.nas-ledger for a server store, and NAS_LEDGER_ARTIFACTS overrides both', () => {
    const saved = process.env.NAS_LEDGER_ARTIFACTS;
    delete process.env.NAS_LEDGER_ARTIFACTS;
    try {
      assert.equal(artifactDirFor('/data/ledger'), '/data/ledger/artifacts');
      assert.equal(artifactDirFor('file:/data/ledger'), '/data/ledger/artifacts');
      assert.equal(artifactDirFor('file:///data/ledger'), '/data/ledger/artifacts');
      assert.equal(artifactDirFor('postgres://u:p@db:5432/nas'), join('.nas-ledger', 'artifacts'));
      process.env.NAS_LEDGER_ARTIFACTS = '/shared/artifacts';
      assert.equal(artifactDirFor('/data/ledger'), '/shared/artifacts');
    } finally {
      if (saved === undefined) delete process.env.NAS_LEDGER_ARTIFACTS; else process.env.NAS_LEDGER_ARTIFACTS = saved;
    }
  });

  it('stores JSON and directories under their content hash and detects corruption on read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'artifacts-'));
    try {
      const store = new ArtifactStore(join(dir, 'a'));
      const hash = store.putJson({ b: 1, a: [1, 2] });
      assert.equal(store.putJson({ a: [1, 2], b: 1 }), hash, 'key order does not change the hash');
      assert.deepEqual(store.getJson(hash), { a: [1, 2], b: 1 });
      writeFileSync(join(store.dir, `${hash}.json`), '{"a":[1,2],"b":2}');
      assert.throws(() => store.getJson(hash), (e: unknown) => e instanceof LedgerError && e.code === 'INTEGRITY');

      const src = join(dir, 'adapter');
      mkdirSync(join(src, 'sub'), { recursive: true });
      writeFileSync(join(src, 'adapter_model.safetensors'), 'weights');
      writeFileSync(join(src, 'sub', 'x.json'), '{}');
      const dHash = store.putDirectory(src);
      assert.equal(dHash, directoryHash(src));
      assert.equal(directoryHash(store.directory(dHash)), dHash);
      writeFileSync(join(store.dir, dHash, 'sub', 'x.json'), '{"changed":true}');
      assert.throws(() => store.directory(dHash), (e: unknown) => e instanceof LedgerError && e.code === 'INTEGRITY');
      assert.throws(() => store.directory('0'.repeat(64)), (e: unknown) => e instanceof LedgerError && e.code === 'NOT_FOUND');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
