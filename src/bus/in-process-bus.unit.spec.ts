import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessBus } from './in-process-bus';
import { AGENT_JOB_PROTOCOL_VERSION, jobIdFor, type AgentJob } from './agent-job';

function job(cycle: number): AgentJob {
  return {
    protocolVersion: AGENT_JOB_PROTOCOL_VERSION, kind: 'fine-tune', jobId: jobIdFor.fineTune('e', cycle),
    experimentId: 'e', cycle, correlationId: 'e', causationId: 'x', generatorSpec: 'sim',
    from: { id: 'sim', version: 'v' }, corpusVersion: 1, corpusHash: 'h',
  };
}

const settle = (ms = 20) => new Promise((r) => setTimeout(r, ms));

describe('InProcessBus', () => {
  it('delivers each job once per group, shared among the group\'s consumers, and to every group', async () => {
    const bus = new InProcessBus();
    const a: number[] = []; const b: number[] = []; const other: number[] = [];
    await bus.publish(job(1));
    await bus.consume('agents', async (j) => { a.push(j.cycle); });
    await bus.consume('agents', async (j) => { b.push(j.cycle); });
    await bus.consume('audit', async (j) => { other.push(j.cycle); });
    for (let c = 2; c <= 6; c++) await bus.publish(job(c));
    await settle();
    assert.deepEqual([...a, ...b].sort(), [1, 2, 3, 4, 5, 6]);
    assert.ok(a.length > 0 && b.length > 0, 'both consumers of the group got work');
    assert.deepEqual(other, [1, 2, 3, 4, 5, 6]);
    await bus.close();
  });

  it('retries a failing handler and respects the concurrency limit', async () => {
    const bus = new InProcessBus({ retryDelayMs: 1, maxAttempts: 3 });
    let calls = 0; let running = 0; let peak = 0;
    await bus.consume('agents', async (j) => {
      running++; peak = Math.max(peak, running);
      await settle(5);
      running--;
      if (j.cycle === 1 && ++calls < 3) throw new Error('transient');
    }, { concurrency: 2 });
    for (let c = 1; c <= 5; c++) await bus.publish(job(c));
    await settle(100);
    assert.equal(calls, 3);
    assert.equal(peak, 2);
    await bus.close();
  });

  it('gives a job up after maxAttempts and reports it', async () => {
    const given: string[] = [];
    const bus = new InProcessBus({ retryDelayMs: 1, maxAttempts: 2, onGiveUp: (j) => given.push(j.jobId) });
    let calls = 0;
    await bus.consume('agents', async () => { calls++; throw new Error('always'); });
    await bus.publish(job(7));
    await settle(50);
    assert.equal(calls, 2);
    assert.deepEqual(given, [jobIdFor.fineTune('e', 7)]);
    await bus.close();
  });
});
