import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresServer } from '../support/postgres-server';
import { startKafkaBroker, type KafkaBroker } from '../support/kafka-broker';
import { openEventStore } from '../../src/ledger/open-event-store';
import type { EventStore } from '../../src/ledger/event-store.port';
import { assertCompleteAndConsistent, experimentEvents } from './loop-assertions';
import { AGENT, CLI, countType, evaluationInFlight, killHard, spawnNode, takeovers, waitForLedger, type Child } from './crash-harness';

const CYCLES = 3;
const PER_CYCLE = 6;
const LEASE_MS = 2500;
const simRun = (id: string, store: string, bus: string, agents: number) => [
  'run', '--id', id, '--generator', 'sim', '--cycles', String(CYCLES), '--candidates', String(PER_CYCLE), '--seed', '5',
  '--store', store, '--bus', bus, '--agents', String(agents), '--concurrency', '2', '--lease-ms', String(LEASE_MS),
];
const resume = (id: string, store: string, bus: string, agents: number) => ['resume', id, '--store', store, '--bus', bus, '--agents', String(agents), '--concurrency', '2', '--lease-ms', String(LEASE_MS)];

async function finish(child: Child, what: string): Promise<void> {
  const code = await Promise.race([child.exited, new Promise<'timeout'>((r) => { setTimeout(() => r('timeout'), 90_000).unref(); })]);
  if (code === 'timeout') { await killHard(child); assert.fail(`${what} did not finish:\n${child.output()}`); }
  assert.equal(code, 0, `${what} exited ${code}:\n${child.output()}`);
}

/**
 * kill -9 in the middle of a run, restart, and check the ledger: the experiment completes; every candidate was
 * generated once, has one result, one novelty verdict and one admission decision; fine-tunes are not repeated.
 */
describe('crash recovery (real PostgreSQL; in-process bus and real Kafka)', () => {
  let pg: PostgresServer;
  let broker: KafkaBroker;
  let probe: EventStore;
  const probes: EventStore[] = [];
  before(async () => { pg = await startPostgres(); broker = await startKafkaBroker(); });
  after(async () => { for (const p of probes) await p.close().catch(() => undefined); await broker?.stop(); await pg?.stop(); });
  const open = async (url: string) => { probe = await openEventStore(url); probes.push(probe); return probe; };

  it('in-process: kill -9 the orchestrator mid-cycle, resume, the experiment completes once', async () => {
    const store = await pg.createDatabase('crash_orch_inproc');
    const id = 'crash-orch-inproc';
    const ledger = await open(store);
    const first = spawnNode(CLI, simRun(id, store, 'inproc', 1), { NAS_SIM_EVAL_DELAY_MS: '100' });
    await waitForLedger(ledger, id, (e) => countType(e, 'CycleStarted') >= 2 && countType(e, 'CandidateEvaluated') + countType(e, 'CandidateRejected') > PER_CYCLE + 1, 60_000, 'cycle 2 under way');
    await killHard(first);
    await finish(spawnNode(CLI, resume(id, store, 'inproc', 1)), 'resume');
    assertCompleteAndConsistent(await experimentEvents(ledger, id), CYCLES, PER_CYCLE);
  });

  it('in-process: kill -9 mid-evaluation, the claimed job is taken over after its lease, no result lost or doubled', async () => {
    const store = await pg.createDatabase('crash_agent_inproc');
    const id = 'crash-agent-inproc';
    const ledger = await open(store);
    const first = spawnNode(CLI, simRun(id, store, 'inproc', 1), { NAS_SIM_EVAL_DELAY_MS: '3000' });
    await waitForLedger(ledger, id, (e) => evaluationInFlight(e), 60_000, 'an evaluation in flight');
    await killHard(first);
    await finish(spawnNode(CLI, resume(id, store, 'inproc', 1)), 'resume');
    const events = await experimentEvents(ledger, id);
    assertCompleteAndConsistent(events, CYCLES, PER_CYCLE);
    assert.ok(takeovers(events) >= 1, 'the dead claim was taken over with a second attempt');
  });

  it('Kafka: kill -9 the orchestrator mid-cycle while agents keep running; resume completes it', async () => {
    const store = await pg.createDatabase('crash_orch_kafka');
    const id = 'crash-orch-kafka';
    const ledger = await open(store);
    const agent = spawnNode(AGENT, ['--store', store, '--bus', broker.url, '--concurrency', '2', '--lease-ms', String(LEASE_MS), '--agent-id', 'ko-agent'], { NAS_SIM_EVAL_DELAY_MS: '100' });
    try {
      const first = spawnNode(CLI, simRun(id, store, broker.url, 0));
      await waitForLedger(ledger, id, (e) => countType(e, 'CycleStarted') >= 2 && countType(e, 'CandidateGenerated') > PER_CYCLE, 90_000, 'cycle 2 under way');
      await killHard(first);
      await finish(spawnNode(CLI, resume(id, store, broker.url, 0)), 'resume');
      assertCompleteAndConsistent(await experimentEvents(ledger, id), CYCLES, PER_CYCLE);
    } finally {
      agent.process.kill('SIGTERM');
      await agent.exited;
    }
  });

  it('Kafka: kill -9 an agent mid-evaluation; another agent of the group takes its jobs over', async () => {
    const store = await pg.createDatabase('crash_agent_kafka');
    const id = 'crash-agent-kafka';
    const ledger = await open(store);
    const agentArgs = (name: string) => ['--store', store, '--bus', broker.url, '--concurrency', '2', '--lease-ms', String(LEASE_MS), '--agent-id', name];
    const slow = spawnNode(AGENT, agentArgs('victim'), { NAS_SIM_EVAL_DELAY_MS: '4000' });
    const steady = spawnNode(AGENT, agentArgs('survivor'), { NAS_SIM_EVAL_DELAY_MS: '50' });
    try {
      const run = spawnNode(CLI, simRun(id, store, broker.url, 0));
      await waitForLedger(ledger, id, (e) => evaluationInFlight(e, 'victim'), 90_000, 'the victim mid-evaluation');
      await killHard(slow);
      await finish(run, 'run');
      const events = await experimentEvents(ledger, id);
      assertCompleteAndConsistent(events, CYCLES, PER_CYCLE);
      assert.ok(takeovers(events) >= 1, 'a job of the dead agent was re-claimed after its lease');
    } finally {
      steady.process.kill('SIGTERM');
      await steady.exited;
    }
  });
});
