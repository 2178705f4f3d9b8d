import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerError } from '../../domain/shared/ledger-error';
import { startKafkaBroker, type KafkaBroker } from '../support/kafka-broker';
import { openAgentBus } from '../../src/bus/open-agent-bus';
import { AGENT_JOB_PROTOCOL_VERSION, jobIdFor, type AgentJob } from '../../src/bus/agent-job';
import { loadExperimentConfig } from '../../src/config/load-config';
import { runLoop } from '../../src/app/run-loop';
import { openEventStore } from '../../src/ledger/open-event-store';
import { assertCompleteAndConsistent, experimentEvents } from './loop-assertions';

describe('Kafka bus against a real KRaft broker', () => {
  let broker: KafkaBroker;
  before(async () => { broker = await startKafkaBroker(); });
  after(async () => { await broker?.stop(); });

  it('delivers published jobs to one consumer of a group and redelivers an uncommitted one', async () => {
    const bus = await openAgentBus(broker.url);
    const seen: string[] = [];
    let failOnce = true;
    const consumer = await bus.consume('unit-group', async (job) => {
      if (job.cycle === 2 && failOnce) { failOnce = false; throw new Error('transient'); }
      seen.push(job.jobId);
    });
    const job = (cycle: number): AgentJob => ({
      protocolVersion: AGENT_JOB_PROTOCOL_VERSION, kind: 'fine-tune', jobId: jobIdFor.fineTune('kx', cycle), experimentId: 'kx', cycle,
      correlationId: 'kx', causationId: 'c', generatorSpec: 'sim', from: { id: 'sim', version: 'v' }, corpusVersion: 1, corpusHash: 'h',
    });
    for (let c = 1; c <= 3; c++) await bus.publish(job(c));
    const deadline = Date.now() + 30_000;
    while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual([...seen].sort(), [1, 2, 3].map((c) => jobIdFor.fineTune('kx', c)));
    await consumer.stop();
    await bus.close();
  });

  it('runs the full sim loop over Kafka with the ledger invariants intact', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'nas-kloop-')), 'ledger');
    const config = loadExperimentConfig({ overrides: { generator: 'sim', cycles: 3, candidatesPerCycle: 8, store, bus: broker.url, seed: 11 } });
    const { experimentId, view } = await runLoop({ config, agentConcurrency: 4 });
    assert.equal(view.completed, true);
    const reopened = await openEventStore(store);
    try {
      const { admitted } = assertCompleteAndConsistent(await experimentEvents(reopened, experimentId), 3, 8);
      assert.ok(admitted > 0);
    } finally {
      await reopened.close();
    }
  });

  it('an unreachable broker is a clear UNAVAILABLE at start-up, not a hang', async () => {
    const started = Date.now();
    await assert.rejects(openAgentBus('kafka://127.0.0.1:1', { connectTimeoutMs: 3000 }),
      (e: unknown) => e instanceof LedgerError && e.code === 'UNAVAILABLE' && /cannot reach Kafka/.test(e.message));
    assert.ok(Date.now() - started < 15_000);
  });
});
