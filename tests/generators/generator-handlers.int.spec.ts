import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore } from '../../src/ledger/open-event-store';
import { handleCommand, ONE_ATTEMPT, type CommandMetadata } from '../../src/ledger/handle-command';
import { experimentDecider } from '../../domain/experiment/experiment.decider';
import { DEFAULT_CONFIG } from '../../domain/experiment/config';
import { corpusHashOf } from '../../domain/experiment/corpus';
import { candidateIdFor, EVENT_SCHEMA_VERSIONS, streamIds, type CandidateGenerated, type GeneratorFineTuned } from '../../domain/experiment/events';
import { eventIdFor } from '../../domain/shared/ids';
import { AGENT_JOB_PROTOCOL_VERSION, jobIdFor, type FineTuneJob, type GenerateJob } from '../../src/bus/agent-job';
import { createFineTuneHandler, createGenerateHandler } from '../../gpu-agent/agent/generator-handlers';
import { GrammarGenerator } from '../../gpu-agent/generators/grammar.generator';
import { ArtifactStore } from '../../src/ledger/artifact-store';
import { loadSeedCorpus } from '../../gpu-agent/generators/seed-corpus';

const EXP = 'exp-gen';
const ctx = (commandId: string): CommandMetadata => ({ commandId, correlationId: 'corr', causationId: null, actor: 'test', now: () => new Date('2026-01-01T00:00:00Z') });

describe('the generate and fine-tune agent handlers on a real embedded ledger', () => {
  it('append CandidateGenerated per program (idempotently) and record the grammar fine-tune on admitted programs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gen-handlers-'));
    const store = await openEventStore(join(dir, 'store'));
    try {
      const artifactDir = join(dir, 'store', 'artifacts');
      const initial = GrammarGenerator.open({ artifacts: new ArtifactStore(artifactDir) }).ref;
      const seeds = loadSeedCorpus().slice(0, 3);
      const exp = streamIds.experiment(EXP);
      await handleCommand(store, exp, experimentDecider, { type: 'RegisterExperiment', data: { experimentId: EXP, name: EXP, config: { ...DEFAULT_CONFIG, name: EXP } } }, ctx('register'), ONE_ATTEMPT);
      await handleCommand(store, exp, experimentDecider, { type: 'SeedCorpus', data: { experimentId: EXP, entries: seeds, source: 'test' } }, ctx('seed'), ONE_ATTEMPT);
      await handleCommand(store, exp, experimentDecider, { type: 'StartCycle', data: { experimentId: EXP, cycle: 1, generator: initial, candidatesPlanned: 4 } }, ctx('start'), ONE_ATTEMPT);

      const options = { store, agentId: 'a1', artifactDir };
      const job: GenerateJob = {
        protocolVersion: AGENT_JOB_PROTOCOL_VERSION, kind: 'generate', jobId: jobIdFor.generate(EXP, 1), experimentId: EXP, cycle: 1,
        correlationId: 'corr', causationId: 'cause', count: 4, seed: 42, generatorSpec: 'grammar', generator: initial, delta: false,
        dataset: 'fashion-mnist', parameterBudget: 500_000,
      };
      await createGenerateHandler(options)(job);
      await createGenerateHandler(options)(job); // a redelivery appends nothing
      const generated: CandidateGenerated['data'][] = [];
      for (let index = 0; index < 4; index += 1) {
        const events = await store.readStream(streamIds.candidate(candidateIdFor(EXP, 1, index)));
        assert.equal(events.length, 1, `candidate ${index}`);
        assert.equal(events[0]!.type, 'CandidateGenerated');
        assert.equal(events[0]!.eventId, eventIdFor(job.jobId, index));
        generated.push(events[0]!.data as CandidateGenerated['data']);
      }
      assert.deepEqual(generated.map((g) => g.generator), Array(4).fill(initial));
      assert.equal(new Set(generated.map((g) => g.codeHash)).size, 4);

      // Admit two of them (the evaluation path belongs to other suites; here only the admission facts matter).
      for (const g of generated.slice(0, 2)) {
        await store.append(streamIds.candidate(g.candidateId), [{
          eventId: eventIdFor(`admit:${g.candidateId}`, 0), type: 'CandidateAdmitted', schemaVersion: EVENT_SCHEMA_VERSIONS.CandidateAdmitted,
          data: { experimentId: EXP, cycle: 1, candidateId: g.candidateId, architectureId: `arch-${g.codeHash.slice(0, 12)}`, accuracy: 0.8, codeHash: g.codeHash },
          metadata: { commandId: `admit:${g.candidateId}`, correlationId: 'corr', causationId: null, actor: 'test', recordedAt: '2026-01-01T00:00:00.000Z' },
        }], 0);
      }
      const corpusHashes = [...seeds.map((s) => s.codeHash), generated[0]!.codeHash, generated[1]!.codeHash];
      await handleCommand(store, exp, experimentDecider, { type: 'RequestFineTune', data: { experimentId: EXP, cycle: 1, corpusVersion: 5, corpusHash: corpusHashOf(corpusHashes) } }, ctx('request-ft'), ONE_ATTEMPT);
      const fineTune: FineTuneJob = {
        protocolVersion: AGENT_JOB_PROTOCOL_VERSION, kind: 'fine-tune', jobId: jobIdFor.fineTune(EXP, 1), experimentId: EXP, cycle: 1,
        correlationId: 'corr', causationId: 'cause', generatorSpec: 'grammar', from: initial, corpusVersion: 5, corpusHash: corpusHashOf(corpusHashes),
      };
      await createFineTuneHandler(options)(fineTune);
      await createFineTuneHandler(options)(fineTune);
      const tuned = (await store.readStream(exp)).filter((e) => e.type === 'GeneratorFineTuned');
      assert.equal(tuned.length, 1);
      const data = tuned[0]!.data as GeneratorFineTuned['data'];
      assert.equal(data.from.version, initial.version);
      assert.notEqual(data.to.version, initial.version);
      assert.equal(data.corpusVersion, 5);
      // The new version loads from the artifact directory and generates.
      const next = GrammarGenerator.open({ artifacts: new ArtifactStore(artifactDir), version: data.to.version });
      assert.equal((await next.generate(1, 1, { dataset: 'fashion-mnist', parameterBudget: 500_000, delta: false, corpus: [] })).length, 1);

      // A fine-tune whose corpus hash disagrees with the ledger is refused, nothing recorded.
      await assert.rejects(createFineTuneHandler(options)({ ...fineTune, cycle: 2, jobId: jobIdFor.fineTune(EXP, 2), corpusHash: 'bad' }), /does not match/);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
