import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, configHash } from '../../domain/experiment/config';
import { streamIds } from '../../domain/experiment/events';
import { NoveltyIndex } from '../../domain/novelty/novelty-index';
import { eventIdFor } from '../../domain/shared/ids';
import { LedgerError } from '../../domain/shared/ledger-error';
import { nearestInExperiment } from '../../src/cli/commands/novelty.command';
import { openEventStore } from '../../src/ledger/open-event-store';
import { repoRoot } from '../../src/shared/repo-root';
import { ORIGINAL } from './copies';

const corpus = (name: string) => readFileSync(join(repoRoot(), 'tests', 'novelty', 'corpus', name), 'utf8');
const mainJs = join(__dirname, '..', '..', 'src', 'cli', 'main.js');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(mainJs)}).main([process.argv[0], "nas-ledger", ...process.argv.slice(1)]).then((c) => { process.exitCode = c; })`, '--', ...args],
    { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('nas-ledger novelty nearest (embedded store)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'novelty-nearest-'));
  const store = join(dir, 'ledger');
  const file = join(dir, 'query.py');
  const E = 'exp-novelty';

  before(async () => {
    const config = { ...DEFAULT_CONFIG, name: E };
    const ledger = await openEventStore(store);
    let n = 0;
    const ev = (type: string, data: unknown) => ({
      eventId: eventIdFor(`cmd-${E}`, n++), type, schemaVersion: 1, data,
      metadata: { commandId: `cmd-${E}-${n}`, correlationId: E, causationId: null, actor: 'test', recordedAt: '2026-01-01T00:00:00.000Z' },
    });
    const index = new NoveltyIndex(config.novelty);
    const seeds = [
      { entryId: 'seed:lenet', name: 'lenet', code: corpus('lenet.py'), codeHash: 'a', accuracy: null },
      { entryId: 'seed:vgg', name: 'vgg', code: corpus('vgg.py'), codeHash: 'b', accuracy: null },
    ];
    await ledger.append(streamIds.experiment(E), [
      ev('ExperimentRegistered', { experimentId: E, name: E, config, configHash: configHash(config) }),
      ev('CorpusSeeded', { experimentId: E, entries: seeds, corpusHash: 'h', source: 'test' }),
      ev('CycleStarted', { experimentId: E, cycle: 1, generator: { id: 'grammar', version: 'v' }, corpusSize: 2, candidatesPlanned: 1 }),
    ], 'no_stream');
    index.seedCorpus(seeds);
    // Cycle 1 admits ORIGINAL; cycle 2 admits resnet.py.
    for (const [cycle, code] of [[1, ORIGINAL], [2, corpus('resnet.py')]] as const) {
      const candidateId = `${E}.c0${cycle}.000`;
      if (cycle === 2) {
        await ledger.append(streamIds.experiment(E), [ev('CycleStarted', { experimentId: E, cycle, generator: { id: 'grammar', version: 'v' }, corpusSize: 3, candidatesPlanned: 1 })], 'any');
      }
      const assessed = index.assess(candidateId, cycle, code);
      const { retrieval: _r, ...data } = assessed;
      await ledger.append(streamIds.candidate(candidateId), [
        ev('CandidateGenerated', { experimentId: E, cycle, candidateId, index: 0, code, codeHash: `c${cycle}`, generator: { id: 'grammar', version: 'v' }, promptHash: 'p', decoding: { temperature: 0.2, topK: 50, topP: 0.9, maxNewTokens: 2048 }, seed: 1, outputTokens: 1, parent: null }),
        ev('NoveltyAssessed', { experimentId: E, ...data }),
        ev('CandidateAdmitted', { experimentId: E, cycle, candidateId, architectureId: `arch-${cycle}`, accuracy: 0.8, codeHash: `c${cycle}` }),
      ], 'no_stream');
      await ledger.append(streamIds.experiment(E), [ev('CycleCompleted', { experimentId: E, cycle, generated: 1, admitted: 1, corpusSize: 2 + cycle })], 'any');
    }
    await ledger.close();
    // The query: the cycle-1 program, reformatted (a comment and a blank line added): the same tokens.
    writeFileSync(file, `# a copy\n\n${ORIGINAL}`);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the nearest corpus entries as JSON from the CLI, admitted entries included', () => {
    const r = cli(['novelty', 'nearest', file, '--experiment', E, '--store', store, '--json', '--limit', '3']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      corpusSize: number; params: { permutations: number }; nearest: { entryId: string; jaccard: number; nearDuplicate: boolean; cycle: number | null }[];
    };
    assert.equal(out.corpusSize, 4);
    assert.equal(out.params.permutations, 256);
    assert.equal(out.nearest.length, 3);
    assert.deepEqual([out.nearest[0]!.entryId, out.nearest[0]!.cycle, out.nearest[0]!.nearDuplicate, out.nearest[0]!.jaccard], ['arch-1', 1, true, 1]);
    assert.ok(out.nearest[1]!.jaccard < 0.5);
  });

  it('shows the corpus as of an earlier cycle, and refuses an unknown experiment', async () => {
    const ledger = await openEventStore(store);
    try {
      const source = readFileSync(file, 'utf8');
      const seedOnly = await nearestInExperiment(ledger, E, source, file, 10, 0);
      assert.equal(seedOnly.corpusSize, 2);
      assert.deepEqual(seedOnly.nearest.map((n) => n.entryId).sort(), ['seed:lenet', 'seed:vgg']);
      const afterOne = await nearestInExperiment(ledger, E, source, file, 10, 1);
      assert.deepEqual([afterOne.corpusSize, afterOne.nearest[0]!.entryId], [3, 'arch-1']);
      const all = await nearestInExperiment(ledger, E, corpus('resnet.py'), 'resnet.py', 1);
      assert.deepEqual([all.corpusSize, all.nearest[0]!.entryId, all.nearest[0]!.cycle], [4, 'arch-2', 2]);
      await assert.rejects(nearestInExperiment(ledger, 'nope', source, file, 3), (e: unknown) => e instanceof LedgerError && e.code === 'NOT_FOUND');
    } finally {
      await ledger.close();
    }
  });
});
