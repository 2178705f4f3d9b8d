import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperimentConfig } from '../../src/config/load-config';
import { registerExperiment } from '../../src/app/run-loop';
import { openEventStore } from '../../src/ledger/open-event-store';
import { CommandBus } from '@nestjs/cqrs';
import { AGENT_BUS, type AgentBus } from '../../src/bus/agent-bus.port';
import type { AgentJob } from '../../src/bus/agent-job';
import { createLoopApplication } from '../../src/app/app.module';
import { OrchestratorService } from '../../src/orchestrator/orchestrator.module';
import { handleCommand, ONE_ATTEMPT } from '../../src/ledger/handle-command';
import { simInitialGenerator, simSeedCorpus } from '../../gpu-agent/simulation/sim-backends';
import { candidateDecider } from '../../domain/candidate/candidate.decider';
import { candidateIdFor, streamIds } from '../../domain/experiment/events';
import { sha256Hex } from '../../domain/shared/canonical-json';
import { contentHash } from '../../domain/shared/canonical-json';

/** Source the novelty lexer cannot tokenize (an unterminated string), next to one it can. */
const UNLEXABLE = 'import torch\nclass Net(torch.nn.Module):\n    name = "unterminated\n';
const LEXABLE = 'import torch\nclass Net(torch.nn.Module):\n    def forward(self, x):\n        return x\n';

describe('the orchestrator and source the novelty lexer cannot read', () => {
  it('records it as a rejection at stage parse and never sends it to evaluation', async () => {
    const store = await openEventStore(join(mkdtempSync(join(tmpdir(), 'nas-unlexable-')), 'ledger'));
    // The application `run` builds: the orchestrator is its Nest provider and writes through its CommandBus.
    const app = await createLoopApplication({ store, busUrl: 'inproc' });
    const bus = app.get<AgentBus>(AGENT_BUS);
    const commands = app.get(CommandBus);
    const sent: string[] = [];
    const watch = commands.subscribe((command) => sent.push(command.constructor.name));
    const experimentId = 'unlexable-1';
    const config = loadExperimentConfig({ overrides: { generator: 'sim', cycles: 1, candidatesPerCycle: 2, bus: 'inproc', seed: 3 } });
    const published: AgentJob[] = [];
    // Plays the generator agent: the cycle's generate job yields one unlexable and one lexable program.
    const consumer = await bus.consume('test-agent', async (job) => {
      published.push(job);
      if (job.kind !== 'generate') return;
      for (const [index, code] of [UNLEXABLE, LEXABLE].entries()) {
        const candidateId = candidateIdFor(experimentId, job.cycle, index);
        await handleCommand(store, streamIds.candidate(candidateId), candidateDecider, {
          type: 'RecordGenerated', data: {
            experimentId, cycle: job.cycle, candidateId, index, code, codeHash: sha256Hex(code), generator: job.generator,
            promptHash: contentHash({ test: 'unlexable' }), decoding: { temperature: 1, topK: 1, topP: 1, maxNewTokens: 0 },
            seed: job.seed, outputTokens: 1, parent: null,
          },
        }, { commandId: `Generate:${candidateId}`, correlationId: experimentId, causationId: null, actor: 'test-agent', now: () => new Date() }, ONE_ATTEMPT);
      }
    });
    await registerExperiment(commands, experimentId, config);
    const orchestrator = await app.get(OrchestratorService).drive({
      experimentId, seedCorpus: simSeedCorpus, initialGenerator: () => simInitialGenerator(), pollIntervalMs: 20, leaseCheckMs: 100,
    });
    try {
      const deadline = Date.now() + 30_000;
      let rejected: { stage: string; reason: string; candidateId: string } | undefined;
      while (!rejected && Date.now() < deadline) {
        const events = await store.readAll();
        rejected = events.find((e) => e.type === 'CandidateRejected')?.data as typeof rejected;
        if (!rejected) await new Promise((r) => setTimeout(r, 50));
      }
      // Let the orchestrator plan once more: the lexable candidate's evaluation goes out, the rejected one's never.
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(rejected, 'the unlexable candidate was rejected');
      assert.equal(rejected.candidateId, candidateIdFor(experimentId, 1, 0));
      assert.equal(rejected.stage, 'parse');
      assert.match(rejected.reason, /cannot tokenize Python source: .*line 3/);
      const evaluated = published.filter((j) => j.kind === 'evaluate').map((j) => (j as { candidateId: string }).candidateId);
      assert.deepEqual(evaluated, [candidateIdFor(experimentId, 1, 1)]);
      const events = await store.readAll();
      assert.equal(events.filter((e) => e.type === 'NoveltyAssessed').length, 0, 'nothing was signed as an empty program');
      for (const name of ['RegisterExperimentCommand', 'SeedCorpusCommand', 'StartCycleCommand', 'RecordRejectionCommand']) {
        assert.ok(sent.includes(name), `${name} went through the CommandBus (sent: ${sent.join(', ')})`);
      }
    } finally {
      watch.unsubscribe();
      await orchestrator.stop();
      await consumer.stop();
      await app.close();
      await store.close();
    }
  });
});
