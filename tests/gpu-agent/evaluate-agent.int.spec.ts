import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sha256Hex } from '../../domain/shared/canonical-json';
import { eventIdFor } from '../../domain/shared/ids';
import { LedgerError } from '../../domain/shared/ledger-error';
import { candidateIdFor, streamIds, type CandidateEvaluated, type CandidateRejected } from '../../domain/experiment/events';
import { candidateDecider } from '../../domain/candidate/candidate.decider';
import { openEventStore } from '../../src/ledger/open-event-store';
import type { EventStore } from '../../src/ledger/event-store.port';
import { InProcessBus } from '../../src/bus/in-process-bus';
import { AGENT_JOB_PROTOCOL_VERSION, jobIdFor, type EvaluateJob, type GenerateJob } from '../../src/bus/agent-job';
import { handleCommand, ONE_ATTEMPT } from '../../src/ledger/handle-command';
import { startLocalAgent } from '../../gpu-agent/agent/local-agent';
import { createGpuAgent, type GpuAgent } from '../../gpu-agent/agent/gpu-agent';
import { JobHandlerRegistry } from '../../gpu-agent/agent/job-handlers';
import { GOOD, program } from './programs';
import { scratch } from './support';

const EXPERIMENT = 'exp-agent-test';

async function generate(store: EventStore, index: number, code: string): Promise<string> {
  const candidateId = candidateIdFor(EXPERIMENT, 1, index);
  await handleCommand(store, streamIds.candidate(candidateId), candidateDecider, {
    type: 'RecordGenerated',
    data: {
      experimentId: EXPERIMENT, cycle: 1, candidateId, index, code, codeHash: sha256Hex(code),
      generator: { id: 'grammar', version: 'v0' }, promptHash: 'p', decoding: { temperature: 0.2, topK: 50, topP: 0.9, maxNewTokens: 2048 },
      seed: 1, outputTokens: 10, parent: null,
    },
  }, { commandId: `gen:${candidateId}`, correlationId: EXPERIMENT, causationId: null, actor: 'test', now: () => new Date(0) }, ONE_ATTEMPT);
  return candidateId;
}

function job(candidateId: string, code: string, overrides: Partial<EvaluateJob> = {}): EvaluateJob {
  return {
    protocolVersion: AGENT_JOB_PROTOCOL_VERSION, kind: 'evaluate', jobId: jobIdFor.evaluate(candidateId), experimentId: EXPERIMENT,
    cycle: 1, correlationId: EXPERIMENT, causationId: `cause-${candidateId}`, candidateId, codeHash: sha256Hex(code),
    dataset: 'fashion-mnist', subset: 256, protocol: 'fast', seed: 3, parameterBudget: 500_000, device: 'auto', ...overrides,
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('GPU agent: evaluate jobs from the bus become candidate events in the ledger', () => {
  const dir = scratch('agent');
  let store: EventStore;
  let agent: GpuAgent;
  const registry = new JobHandlerRegistry();
  const gaveUp: string[] = [];
  const bus = new InProcessBus({ retryDelayMs: 20, maxAttempts: 2, onGiveUp: (j) => gaveUp.push(j.jobId) });

  before(async () => {
    store = await openEventStore(join(dir.dir, 'ledger'));
    agent = await createGpuAgent({ store, device: 'auto', workers: 1, registry, agentId: 'agent-under-test', valSubset: 128, timeoutS: 60, log: () => undefined,
      hide: [join(dir.dir, 'ledger')] });
    await startLocalAgent(store, bus, { realHandler: agent.handler, concurrency: 1, agentId: agent.agentId, leaseMs: 60_000 });
  });
  after(async () => {
    await bus.close();
    await agent.close();
    await store.close();
    dir.remove();
  });

  const verdict = (candidateId: string) => until(`a verdict for ${candidateId}`, async () =>
    (await store.readStream(streamIds.candidate(candidateId))).find((e) => e.type === 'CandidateEvaluated' || e.type === 'CandidateRejected'));

  it('appends CandidateEvaluated with provenance and a structural fingerprint, with ids derived from the job', async () => {
    const candidateId = await generate(store, 0, GOOD);
    const evaluate = job(candidateId, GOOD);
    await bus.publish(evaluate);
    const event = await verdict(candidateId);
    assert.equal(event.type, 'CandidateEvaluated');
    const data = event.data as CandidateEvaluated['data'];
    assert.ok(data.accuracy >= 0 && data.accuracy <= 1);
    assert.ok(data.params > 0);
    assert.ok(Number.isInteger(data.flops) && (data.flops ?? 0) > data.params, `flops ${data.flops} should be a positive count above the parameter count`);
    assert.equal(data.dataset.id, 'fashion-mnist');
    assert.match(data.dataset.contentHash, /^[0-9a-f]{64}$/);
    assert.match(data.protocolHash, /^[0-9a-f]{64}$/);
    assert.match(data.structuralFingerprint ?? '', /^[0-9a-f]{64}$/);
    assert.equal(data.device, 'cpu');
    assert.equal(data.seed, 3);
    assert.equal(data.libraries.sandbox, 'bwrap');
    assert.ok(data.libraries.torch);
    assert.ok(data.timings.train !== undefined && data.timings.total !== undefined);
    assert.equal(event.eventId, eventIdFor(`RecordEvaluation:${evaluate.jobId}`, 0));
    assert.equal(event.metadata.causationId, evaluate.causationId);
    assert.equal(event.metadata.actor, 'agent/agent-under-test');

    // Redelivered: the handler finds the verdict and appends nothing.
    const before = (await store.readStream(streamIds.candidate(candidateId))).length;
    await agent.handler(evaluate);
    assert.equal((await store.readStream(streamIds.candidate(candidateId))).length, before);
  });

  it('appends CandidateRejected at the failing stage for a hostile program', async () => {
    const code = program({ header: 'import os', init: "os.system('true')" });
    const candidateId = await generate(store, 1, code);
    await bus.publish(job(candidateId, code));
    const event = await verdict(candidateId);
    assert.equal(event.type, 'CandidateRejected');
    const data = event.data as CandidateRejected['data'];
    assert.equal(data.stage, 'policy');
    assert.match(data.reason, /os/);
  });

  it('refuses a malformed job with a typed error and records JobFailed, never silence', async () => {
    const candidateId = await generate(store, 2, GOOD);
    const bad = job(candidateId, GOOD, { codeHash: 'f'.repeat(64) });
    await bus.publish(bad);
    const failed = await until('JobFailed', async () =>
      (await store.readStream(streamIds.job(bad.jobId))).find((e) => e.type === 'JobFailed'));
    assert.match((failed.data as { reason: string }).reason, /code hash does not match/);
    await until('the bus to give up', async () => (gaveUp.includes(bad.jobId) ? true : undefined));
    const candidate = await store.readStream(streamIds.candidate(candidateId));
    assert.deepEqual(candidate.map((e) => e.type), ['CandidateGenerated'], 'nothing recorded for the candidate');
    await assert.rejects(agent.handler({ ...bad, subset: -1 }), (e: unknown) => e instanceof LedgerError && e.code === 'BAD_INPUT');
  });

  it('routes job kinds through the registry: an unregistered kind is a typed failure', async () => {
    const generateJob = { kind: 'generate', jobId: 'generate:x:1' } as unknown as GenerateJob;
    await assert.rejects(registry.dispatch(generateJob), (e: unknown) => e instanceof LedgerError && e.code === 'UNSUPPORTED');
    let seen: string | null = null;
    registry.register('generate', async (j) => { seen = j.jobId; });
    await registry.dispatch(generateJob);
    assert.equal(seen, 'generate:x:1');
  });
});
