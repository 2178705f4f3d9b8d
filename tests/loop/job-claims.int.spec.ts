import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore } from '../../src/ledger/open-event-store';
import { withJobClaims } from '../../gpu-agent/agent/job-claims';
import { AGENT_JOB_PROTOCOL_VERSION, jobIdFor, type AgentJob } from '../../src/bus/agent-job';
import { streamIds } from '../../domain/experiment/events';
import { commandEvents } from '../../src/ledger/handle-command';

const job: AgentJob = {
  protocolVersion: AGENT_JOB_PROTOCOL_VERSION, kind: 'evaluate', jobId: jobIdFor.evaluate('e1.c01.000'), experimentId: 'e1', cycle: 1,
  correlationId: 'e1', causationId: 'c', candidateId: 'e1.c01.000', codeHash: 'h', dataset: 'sim', subset: null, protocol: 'sim', seed: 1,
  parameterBudget: 1000, device: 'cpu',
};

describe('job claims in the ledger', () => {
  it('a job delivered to two agents at once runs once; a dead agent\'s claim is taken over after its lease', async () => {
    const store = await openEventStore(join(mkdtempSync(join(tmpdir(), 'nas-claims-')), 'ledger'));
    try {
      let runs = 0;
      // The handler records the result, as real handlers do; the loser of the claim race then sees it and skips.
      const handler = async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 200));
        await store.append(streamIds.candidate('e1.c01.000'), commandEvents([{ type: 'CandidateRejected', data: { experimentId: 'e1', cycle: 1, candidateId: 'e1.c01.000', stage: 'parse', reason: 'x', params: null, device: null } }],
          { commandId: 'result', correlationId: 'e1', causationId: null, actor: 't', now: () => new Date() }), 'any');
      };
      const a = withJobClaims(store, handler, { agentId: 'a', leaseMs: 5000 });
      const b = withJobClaims(store, handler, { agentId: 'b', leaseMs: 5000 });
      await Promise.all([a(job), b(job)]);
      assert.equal(runs, 1, 'only the claim winner ran the job');
      const claims = (await store.readStream(streamIds.job(job.jobId))).filter((e) => e.type === 'JobClaimed');
      assert.equal(new Set(claims.map((e) => (e.data as { agentId: string }).agentId)).size, 1);

      // A claim left by a dead agent (lease in the past) is taken over with attempt 2.
      const other: AgentJob = { ...job, jobId: jobIdFor.evaluate('e1.c01.001'), candidateId: 'e1.c01.001' };
      await store.append(streamIds.job(other.jobId), commandEvents([{ type: 'JobClaimed', data: { jobId: other.jobId, agentId: 'dead', attempt: 1, leaseUntil: Date.now() + 300 } }],
        { commandId: 'dead-claim', correlationId: 'e1', causationId: null, actor: 't', now: () => new Date() }), 'no_stream');
      let ran = false;
      await withJobClaims(store, async () => { ran = true; }, { agentId: 'c', leaseMs: 5000 })(other);
      assert.equal(ran, true);
      const last = (await store.readStream(streamIds.job(other.jobId))).filter((e) => e.type === 'JobClaimed').pop()!;
      assert.deepEqual([(last.data as { agentId: string }).agentId, (last.data as { attempt: number }).attempt], ['c', 2]);

      // A failing handler leaves JobFailed and rethrows (the bus redelivers).
      const failing: AgentJob = { ...job, jobId: jobIdFor.evaluate('e1.c01.002'), candidateId: 'e1.c01.002' };
      await assert.rejects(withJobClaims(store, async () => { throw new Error('runner crashed'); }, { agentId: 'd' })(failing), /runner crashed/);
      assert.ok((await store.readStream(streamIds.job(failing.jobId))).some((e) => e.type === 'JobFailed'));
    } finally {
      await store.close();
    }
  });
});
