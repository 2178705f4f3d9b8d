import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlEventStore } from '../../src/ledger/open-event-store';
import { ArtifactStore } from '../../src/ledger/artifact-store';
import { exportBundle, importBundle, readBundle } from '../../src/ledger/bundle/bundle';
import { readTar, writeTar, type TarEntry } from '../../src/ledger/bundle/ustar';
import { appendHistory, buildExperimentHistory } from '../support/ledger-fixtures';
import { contentHash, sha256Hex } from '../../domain/shared/canonical-json';
import { eventIdFor } from '../../domain/shared/ids';
import { LedgerError, type ErrorCode } from '../../domain/shared/ledger-error';
import { initialTheta, thetaArtifact, thetaVersion } from '../../domain/generators/grammar';

let root: string;
let bundle: string;
let thetaHash: string;
let adapterHash: string;

/** A store with an experiment that fine-tuned twice: a grammar θ (a JSON artifact) and an llm adapter (a directory). */
async function sourceLedger(dir: string): Promise<void> {
  const artifacts = new ArtifactStore(join(dir, 'artifacts'));
  const theta = thetaArtifact(initialTheta());
  const tuned = thetaArtifact({ ...theta.theta, optimizer: theta.theta.optimizer.map((p, i) => (i === 0 ? p + 0.1 : p)) });
  thetaHash = artifacts.putJson(tuned);
  const adapterSource = join(dir, 'adapter-src');
  mkdirSync(join(adapterSource, 'nested'), { recursive: true });
  writeFileSync(join(adapterSource, 'adapter_config.json'), '{"r": 8}');
  writeFileSync(join(adapterSource, 'nested', 'adapter_model.bin'), Buffer.from([0, 1, 2, 3, 255]));
  adapterHash = artifacts.putDirectory(adapterSource);
  const llmVersion = { kind: 'llm-version', base: 'tiny', adapter: adapterHash };
  artifacts.putJson(llmVersion);
  const store = await openSqlEventStore(join(dir, 'store'));
  try {
    const history = buildExperimentHistory({ cycles: 0, candidatesPerCycle: 1, seed: 3, complete: false });
    await appendHistory(store, history);
    const meta = { commandId: 'ft', correlationId: 'ft', causationId: null, actor: 'test', recordedAt: '2026-12-07T10:00:00.000Z' };
    const fineTuned = (i: number, data: unknown) => ({ eventId: eventIdFor('ft', i), type: 'GeneratorFineTuned', schemaVersion: 1, data, metadata: meta });
    const grammarFrom = { id: 'grammar', version: thetaVersion(theta.theta) };
    const grammarTo = { id: 'grammar', version: thetaVersion(tuned.theta) };
    const llmTo = { id: 'llm:/models/tiny', version: `llm-${contentHash(llmVersion).slice(0, 16)}` };
    await store.append(`experiment-${history.experimentId}`, [
      fineTuned(0, {
        experimentId: history.experimentId, cycle: 1, from: grammarFrom, to: grammarTo, adapterHash: thetaHash, corpusVersion: 5, loss: 1, durationMs: 1,
      }),
      fineTuned(1, { experimentId: history.experimentId, cycle: 2, from: llmTo, to: llmTo, adapterHash, corpusVersion: 6, loss: null, durationMs: 1 }),
    ], 'any');
  } finally {
    await store.close();
  }
}

function rewrite(change: (entries: TarEntry[]) => TarEntry[]): string {
  const file = join(root, `bad-${Math.random().toString(16).slice(2)}.tar`);
  writeFileSync(file, writeTar(change(readTar(readFileSync(bundle), bundle))));
  return file;
}

/** Imports `file` into a fresh store; asserts the error and that nothing (no event, no artifact) was written. */
async function refused(file: string, code: ErrorCode, message: RegExp): Promise<void> {
  const target = mkdtempSync(join(root, 'target-'));
  const store = await openSqlEventStore(join(target, 'store'));
  try {
    await assert.rejects(importBundle(store, join(target, 'artifacts'), file), (e: unknown) => {
      assert.ok(e instanceof LedgerError, String(e));
      assert.equal(e.code, code, e.message);
      assert.match(e.message, message);
      return true;
    });
    assert.equal(await store.head(), 0, 'no event written');
    assert.equal(existsSync(join(target, 'artifacts')), false, 'no artifact written');
  } finally {
    await store.close();
  }
}

describe('portable ledgers: events export --bundle / events import --bundle', () => {
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'nas-bundle-'));
    await sourceLedger(join(root, 'source'));
    bundle = join(root, 'ledger.tar');
    const store = await openSqlEventStore(join(root, 'source', 'store'));
    try {
      const summary = await exportBundle(store, join(root, 'source', 'artifacts'), bundle);
      assert.equal(summary.artifacts, 3, 'the tuned θ, the llm version file and its adapter directory (the initial θ is rebuilt from code)');
    } finally {
      await store.close();
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('round-trips into a fresh store in another directory: same events and head hash, artifacts that verify', async () => {
    const target = join(root, 'elsewhere');
    const store = await openSqlEventStore(join(target, 'store'));
    const source = await openSqlEventStore(join(root, 'source', 'store'));
    try {
      const result = await importBundle(store, join(target, 'artifacts'), bundle);
      assert.equal(result.artifacts, 3);
      assert.deepEqual(await store.headAnchor(), await source.headAnchor());
      assert.equal((await store.verify()).ok, true);
      const artifacts = new ArtifactStore(join(target, 'artifacts'));
      assert.ok(artifacts.getJson(thetaHash));
      assert.equal(readFileSync(join(artifacts.directory(adapterHash), 'nested', 'adapter_model.bin')).toString('hex'), '00010203ff');
      const again = await importBundle(store, join(target, 'artifacts'), bundle);
      assert.deepEqual([again.imported, again.artifacts], [0, 0], 'importing the same bundle again adds nothing');
    } finally {
      await store.close();
      await source.close();
    }
  });

  it('refuses a corrupt artifact, naming the file; and one whose manifest was rewritten to match, naming the artifact', async () => {
    const path = `artifacts/${adapterHash}/nested/adapter_model.bin`;
    const flip = (e: TarEntry): TarEntry => (e.path === path ? { path, data: Buffer.from([9, 1, 2, 3, 255]) } : e);
    await refused(rewrite((entries) => entries.map(flip)), 'INTEGRITY', new RegExp(`${path} does not match its manifest hash`));
    const consistent = rewrite((entries) => entries.map(flip).map((e) => {
      if (e.path !== 'manifest.json') return e;
      const [was, now] = [sha256Hex(Buffer.from([0, 1, 2, 3, 255])), sha256Hex(Buffer.from([9, 1, 2, 3, 255]))];
      return { path: e.path, data: Buffer.from(e.data.toString().replace(was, now)) };
    }));
    await refused(consistent, 'INTEGRITY', new RegExp(`artifact ${adapterHash} does not match its content hash`));
  });

  it('refuses a truncated bundle, a bad manifest, a missing artifact and a broken event chain, writing nothing', async () => {
    const truncated = join(root, 'truncated.tar');
    const bytes = readFileSync(bundle);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await refused(truncated, 'BAD_INPUT', /truncated\.tar: truncated/);
    await refused(rewrite((es) => es.map((e) => (e.path === 'manifest.json' ? { path: e.path, data: Buffer.from('{not json') } : e))), 'BAD_INPUT', /bad manifest: not JSON/);
    const missing = rewrite((es) => es.filter((e) => !e.path.startsWith(`artifacts/${thetaHash}`)).map((e) => {
      if (e.path !== 'manifest.json') return e;
      const m = JSON.parse(e.data.toString()) as { artifacts: { hash: string }[] };
      return { path: e.path, data: Buffer.from(JSON.stringify({ ...m, artifacts: m.artifacts.filter((a) => a.hash !== thetaHash) })) };
    }));
    await refused(missing, 'NOT_FOUND', new RegExp(`artifact ${thetaHash.slice(0, 16)}[0-9a-f]* \\(GeneratorFineTuned\\.\\w+ at position \\d+.*\\) is missing from the bundle`));
    const edited = rewrite((es) => {
      const events = es.find((e) => e.path === 'events.jsonl')!;
      const changed = Buffer.from(events.data.toString().replace('"corpusVersion":5', '"corpusVersion":50'));
      return es.map((e) => {
        if (e.path === 'events.jsonl') return { path: e.path, data: changed };
        if (e.path !== 'manifest.json') return e;
        const m = JSON.parse(e.data.toString()) as { events: { sha256: string; bytes: number } };
        return { path: e.path, data: Buffer.from(JSON.stringify({ ...m, events: { ...m.events, sha256: sha256Hex(changed), bytes: changed.length } })) };
      });
    });
    await refused(edited, 'INTEGRITY', /event chain is broken at position/);
    assert.throws(() => readBundle(join(root, 'nope.tar')), (e: unknown) => e instanceof LedgerError && e.code === 'NOT_FOUND');
  });

  it('export refuses a ledger whose artifact is missing from the artifact directory, naming it, and writes no bundle', async () => {
    const dir = join(root, 'source-missing');
    await sourceLedger(dir);
    rmSync(join(dir, 'artifacts', `${thetaHash}.json`));
    const store = await openSqlEventStore(join(dir, 'store'));
    try {
      await assert.rejects(exportBundle(store, join(dir, 'artifacts'), join(dir, 'out.tar')),
        (e: unknown) => e instanceof LedgerError && e.code === 'NOT_FOUND' && e.message.includes(thetaHash.slice(0, 16)));
      assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('out.tar')), []);
    } finally {
      await store.close();
    }
  });
});
