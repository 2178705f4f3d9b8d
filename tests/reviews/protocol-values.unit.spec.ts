import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../src/shared/repo-root';
import { defaultPython } from '../../gpu-agent/python/start-python';
import { EVENT_SCHEMA_VERSIONS, protocolValuesOf, type CandidateEvaluated, type ProtocolValues } from '../../domain/experiment/events';
import { protocolValuesFrom, protocolValuesHash, protocolValuesMatch, protocolSettingsOf, pythonJson } from '../../domain/experiment/protocol-values';
import { candidateDecider } from '../../domain/candidate/candidate.decider';
import { ledgerUpcasters } from '../../src/ledger/upcasters';
import { openSqlEventStore } from '../../src/ledger/open-event-store';
import { eventIdFor } from '../../domain/shared/ids';
import { protocolValuesFor, searchProtocolValues } from '../../gpu-agent/agent/protocol-search';
import type { RecordedEvent } from '../../domain/shared/event-envelope';

type JobConfig = Record<string, unknown>;

/** [resolved protocol, protocolHash] of each config, by the runner's own protocols.py. */
function resolveInPython(protocol: string, configs: readonly JobConfig[]): [Record<string, unknown>, string][] {
  const script = [
    'import json, sys', 'import protocols, wire',
    'name, configs = json.loads(sys.stdin.read())',
    'out = []',
    'for c in configs:',
    '    v = protocols.resolve(name, dict(wire.DEFAULT_CONFIG, **c))',
    '    out.append([v, protocols.protocol_hash(v)])',
    'print(json.dumps(out))',
  ].join('\n');
  const out = execFileSync(defaultPython(), ['-c', script], {
    cwd: join(repoRoot(), 'gpu-agent', 'runner'), input: JSON.stringify([protocol, configs]), encoding: 'utf8',
  });
  return JSON.parse(out) as [Record<string, unknown>, string][];
}

const BASE: JobConfig = { dataset: 'fashion-mnist', subset: 1024, valSubset: 1000, seed: 42, device: 'cpu', threads: 1 };

const EVALUATED_V1 = {
  experimentId: 'e1', cycle: 1, candidateId: 'e1.c01.000', accuracy: 0.55, loss: 1.2, params: 1000,
  dataset: { id: 'fashion-mnist', contentHash: 'h' }, protocolHash: 'p', seed: 42, device: 'cpu', libraries: {}, timings: {},
  structuralFingerprint: null,
};

describe('protocol values: CandidateEvaluated names every value its protocol hash covers', () => {
  it('the values the runner resolved hash, in TypeScript, to the protocolHash the runner computes', () => {
    const configs: JobConfig[] = [
      BASE, { ...BASE, threads: 2 }, { ...BASE, valSubset: null, subset: null }, { ...BASE, device: 'cuda' },
      { ...BASE, prm: { lr: 0.05, momentum: 0.95 } }, { ...BASE, prm: { lr: 1e-5 } }, { ...BASE, batchSize: 32 },
    ];
    const resolved = resolveInPython('fast', configs);
    resolved.push(...resolveInPython('full', [{ ...BASE, epochs: 3 }]), ...resolveInPython('nngpt', [BASE]));
    for (const [value, hash] of resolved) {
      const values = protocolValuesFrom(value);
      assert.ok(values, `the runner's value is read as ProtocolValues: ${JSON.stringify(value)}`);
      assert.equal(protocolValuesHash(values), hash, `hash of ${JSON.stringify(value)}`);
    }
    assert.equal(new Set(resolved.map(([, h]) => h)).size, resolved.length, 'each config hashed differently');
  });

  it('writes numbers and strings as Python json.dumps does', () => {
    assert.equal(pythonJson({ b: 1e-5, a: 0.01, c: 1e16, d: 'é', e: [null, true, 2] }), '{"a":0.01,"b":1e-05,"c":1e+16,"d":"\\u00e9","e":[null,true,2]}');
    assert.equal(pythonJson(123.5), '123.5');
    assert.equal(pythonJson(-0.0001), '-0.0001');
  });

  it('names the settings under the issue\'s names, threads only where the hash covers them (the CPU)', () => {
    const [[cpu], [gpu]] = [resolveInPython('fast', [{ ...BASE, threads: 3 }]), resolveInPython('fast', [{ ...BASE, device: 'cuda', threads: 3 }])];
    const settings = protocolSettingsOf(protocolValuesFrom(cpu![0])!);
    assert.deepEqual(settings, {
      subset: 1024, valSubset: 1000, batchSize: 64, epochs: 1, augmentation: { pipeline: 'resident', cropPad: 2, resize: null },
      prm: { lr: 0.01, momentum: 0.9, dropout: 0.2 }, seed: 42, threads: 3,
    });
    assert.equal(protocolSettingsOf(protocolValuesFrom(gpu![0])!).threads, null);
  });

  it('refuses a runner value that lacks a named key or has the wrong type (a wrong record is worse than none)', () => {
    const [[value]] = [resolveInPython('fast', [BASE])];
    const { valSubset: _dropped, ...withoutValSubset } = value![0];
    assert.equal(protocolValuesFrom(withoutValSubset), null);
    assert.equal(protocolValuesFrom({ ...value![0], seed: '42' }), null);
    assert.equal(protocolValuesFrom(null), null);
  });

  it('bumps the schema version; the decider records protocolValues, read as null for a writer that sends none', () => {
    assert.equal(EVENT_SCHEMA_VERSIONS.CandidateEvaluated, 2);
    const generated = candidateDecider.evolve(candidateDecider.initialState(), {
      type: 'CandidateGenerated', data: {
        experimentId: 'e1', cycle: 1, candidateId: 'e1.c01.000', index: 0, code: 'x', codeHash: 'c', generator: { id: 'grammar', version: 'v' },
        promptHash: 'p', decoding: { temperature: 1, topK: 1, topP: 1, maxNewTokens: 1 }, seed: 1, outputTokens: 1, parent: null,
      },
    });
    const [without] = candidateDecider.decide({ type: 'RecordEvaluation', data: EVALUATED_V1 }, generated);
    assert.equal(protocolValuesOf(without!.data as CandidateEvaluated['data']), null);
    const [[value]] = [resolveInPython('fast', [BASE])];
    const values = protocolValuesFrom(value![0])!;
    const [withValues] = candidateDecider.decide({ type: 'RecordEvaluation', data: { ...EVALUATED_V1, protocolHash: value![1], protocolValues: values } }, generated);
    assert.deepEqual((withValues!.data as CandidateEvaluated['data']).protocolValues, values);
  });
});

describe('protocol values: events of schema version 1 read as "values not recorded"', () => {
  it('the upcaster lifts v1 to v2 with protocolValues null and keeps every other key', () => {
    const v1 = { type: 'CandidateEvaluated', schemaVersion: 1, data: EVALUATED_V1 } as unknown as RecordedEvent;
    const lifted = ledgerUpcasters().apply(v1);
    assert.equal(lifted.schemaVersion, 2);
    assert.deepEqual(lifted.data, { ...EVALUATED_V1, protocolValues: null });
    const v2 = { type: 'CandidateEvaluated', schemaVersion: 2, data: { ...EVALUATED_V1, protocolValues: null } } as unknown as RecordedEvent;
    assert.equal(ledgerUpcasters().apply(v2), v2, 'a current event is left as it is');
  });

  it('a store reads a recorded v1 event lifted, and the stored event still verifies and exports as recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-ledger-upcast-'));
    const store = await openSqlEventStore(dir);
    try {
      await store.append('candidate-e1.c01.000', [{
        eventId: eventIdFor('old', 0), type: 'CandidateEvaluated', schemaVersion: 1, data: EVALUATED_V1,
        metadata: { commandId: 'old', correlationId: 'old', causationId: null, actor: 'test', recordedAt: '2026-01-01T00:00:00.000Z' },
      }], 'no_stream');
      const [read] = await store.readStream('candidate-e1.c01.000');
      assert.equal(read!.schemaVersion, 2);
      assert.equal((read!.data as CandidateEvaluated['data']).protocolValues, null);
      assert.equal((read!.data as CandidateEvaluated['data']).protocolHash, 'p', 'the keys consumers read are kept');
      const [raw] = await store.readAllRaw();
      assert.equal(raw!.schemaVersion, 1, 'the stored event is unchanged');
      assert.equal('protocolValues' in (raw!.data as object), false);
      assert.equal((await store.verify()).ok, true);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('protocol values: a review of an old event searches the values `run` could have used', () => {
  it('finds the valSubset and thread count whose hash is the recorded one, through the runner\'s own resolve', async () => {
    const [[value, hash]] = resolveInPython('fast', [{ ...BASE, valSubset: 500, threads: 2 }]) as [[Record<string, unknown>, string]];
    const found = await searchProtocolValues({ protocolHash: hash, protocol: 'fast', dataset: 'fashion-mnist', device: 'cpu', seed: 42, subset: 1024 });
    assert.equal(found.found, true);
    assert.equal(found.config?.valSubset, 500);
    assert.equal(found.config?.threads, 2);
    assert.deepEqual(found.values, value);
    const lookup = await protocolValuesFor({ ...EVALUATED_V1, protocolHash: hash, protocolValues: null }, { protocol: 'fast', subset: 1024 });
    assert.equal(lookup.source, 'searched');
    assert.ok(lookup.source === 'searched' && lookup.config?.threads === 2 && !lookup.legacy);
  });

  it('finds a legacy hash (before runner-v1 added measuredBy) and says so; reports not-found for a hash no config gives', async () => {
    const [[value]] = resolveInPython('fast', [BASE]) as [[Record<string, unknown>, string]];
    const { measuredBy: _m, ...legacyValues } = value;
    const legacyHash = protocolValuesHash(protocolValuesFrom(legacyValues)!);
    const legacy = await protocolValuesFor({ ...EVALUATED_V1, protocolHash: legacyHash }, { protocol: 'fast', subset: 1024 });
    assert.equal(legacy.source, 'searched');
    assert.ok(legacy.source === 'searched' && legacy.legacy);
    const none = await protocolValuesFor({ ...EVALUATED_V1, protocolHash: 'f'.repeat(64) }, { protocol: 'fast', subset: 1024 },
      { space: { threads: [1, 2], valSubset: [1000] } });
    assert.equal(none.source, 'not-found');
    assert.ok(none.tried > 0);
  });

  it('uses recorded values that check against the hash without starting Python, and flags recorded values that do not', async () => {
    const [[value, hash]] = resolveInPython('fast', [BASE]) as [[Record<string, unknown>, string]];
    const values = protocolValuesFrom(value)!;
    const recorded = await protocolValuesFor({ ...EVALUATED_V1, protocolHash: hash, protocolValues: values }, { protocol: 'fast', subset: 1024 },
      { python: '/nonexistent/python' });
    assert.equal(recorded.source, 'recorded');
    const altered: ProtocolValues = { ...values, valSubset: 999 };
    assert.equal(protocolValuesMatch(altered, hash), false);
    const mismatch = await protocolValuesFor({ ...EVALUATED_V1, protocolHash: hash, protocolValues: altered }, { protocol: 'fast', subset: 1024 });
    assert.equal(mismatch.source, 'searched', 'the recorded values are not trusted; the search finds the real ones');
  });
});
