import assert from 'node:assert/strict';
import type { EventStore } from '../../src/ledger/event-store.port';
import type { RecordedEvent } from '../../domain/shared/event-envelope';

export async function experimentEvents(store: EventStore, experimentId: string): Promise<RecordedEvent[]> {
  const all = await store.readAll();
  return all.filter((e) => {
    const d = e.data as { experimentId?: string; jobId?: string };
    return d.experimentId === experimentId || (typeof d.jobId === 'string' && d.jobId.includes(`:${experimentId}`));
  });
}

/**
 * The ledger invariants a finished run must satisfy whatever crashed on the way: the experiment completed every
 * cycle; each candidate has exactly one generation, one result (evaluated xor rejected), and an evaluated one exactly
 * one novelty verdict and one admission decision; nothing was lost (every planned candidate exists).
 */
export function assertCompleteAndConsistent(
  events: readonly RecordedEvent[], cycles: number, perCycle: number,
): { admitted: number; evaluated: number; claims: number } {
  const count = (type: string) => events.filter((e) => e.type === type).length;
  assert.equal(count('ExperimentCompleted'), 1, 'experiment completed once');
  assert.equal(count('CycleStarted'), cycles);
  assert.equal(count('CycleCompleted'), cycles);
  const byCandidate = new Map<string, string[]>();
  for (const e of events) {
    const id = (e.data as { candidateId?: string }).candidateId;
    if (id && e.streamId.startsWith('candidate-')) byCandidate.set(id, [...(byCandidate.get(id) ?? []), e.type]);
  }
  assert.equal(byCandidate.size, cycles * perCycle, 'every planned candidate was generated, none lost');
  for (const [id, types] of byCandidate) {
    const n = (t: string) => types.filter((x) => x === t).length;
    assert.equal(n('CandidateGenerated'), 1, `${id} generated once`);
    assert.equal(n('CandidateEvaluated') + n('CandidateRejected'), 1, `${id} has exactly one result: ${types.join(',')}`);
    if (n('CandidateEvaluated') === 1) {
      assert.equal(n('NoveltyAssessed'), 1, `${id} novelty once`);
      assert.equal(n('CandidateAdmitted') + n('CandidateNotAdmitted'), 1, `${id} decided once`);
    }
  }
  const fineTuneCycles = events.filter((e) => e.type === 'GeneratorFineTuned').map((e) => (e.data as { cycle: number }).cycle);
  assert.equal(new Set(fineTuneCycles).size, fineTuneCycles.length, 'no duplicate fine-tune');
  return { admitted: count('CandidateAdmitted'), evaluated: count('CandidateEvaluated'), claims: count('JobClaimed') };
}

/**
 * Every attempt at a job was made by one agent (renewals repeat an attempt's JobClaimed, never with another agent),
 * and attempts count up from 1 without gaps: a job is worked on once per attempt. Returns the evaluate jobs' attempts.
 */
export function assertOneAgentPerAttempt(events: readonly RecordedEvent[]): Map<string, number> {
  const agents = new Map<string, Map<number, Set<string>>>();
  for (const e of events) {
    if (e.type !== 'JobClaimed') continue;
    const { jobId, attempt, agentId } = e.data as { jobId: string; attempt: number; agentId: string };
    const byAttempt = agents.get(jobId) ?? new Map<number, Set<string>>();
    byAttempt.set(attempt, (byAttempt.get(attempt) ?? new Set()).add(agentId));
    agents.set(jobId, byAttempt);
  }
  const evaluateAttempts = new Map<string, number>();
  for (const [jobId, byAttempt] of agents) {
    const attempts = [...byAttempt.keys()].sort((a, b) => a - b);
    assert.deepEqual(attempts, attempts.map((_, i) => i + 1), `${jobId}: attempts ${attempts.join(',')} count up from 1`);
    for (const [attempt, who] of byAttempt) assert.equal(who.size, 1, `${jobId} attempt ${attempt} claimed by one agent, not ${[...who].join(', ')}`);
    if (jobId.startsWith('evaluate:')) evaluateAttempts.set(jobId, attempts.length);
  }
  return evaluateAttempts;
}
