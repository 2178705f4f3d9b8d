import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { startPostgres, type PostgresServer } from '../support/postgres-server';
import { startKafkaBroker, type KafkaBroker } from '../support/kafka-broker';
import { openEventStore } from '../../src/ledger/open-event-store';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { assertCompleteAndConsistent, assertOneAgentPerAttempt, experimentEvents } from './loop-assertions';
import { CLI, killHard, spawnNode, type Child } from './crash-harness';

const CYCLES = 2;
const PER_CYCLE = 3;
const AGENT_ID = 'kafka-pytorch-agent';

/** Waits for a clean exit; resolves with the child's stdout alone (the output on failure has stderr too). */
async function finish(child: Child, what: string, timeoutMs: number): Promise<string> {
  let stdout = '';
  child.process.stdout?.on('data', (b: Buffer) => { stdout += b.toString(); });
  const code = await Promise.race([child.exited, new Promise<'timeout'>((r) => { setTimeout(() => r('timeout'), timeoutMs).unref(); })]);
  if (code === 'timeout') { await killHard(child); assert.fail(`${what} did not finish:\n${child.output()}`); }
  assert.equal(code, 0, `${what} exited ${code}:\n${child.output()}`);
  return stdout;
}

interface StatsRow { cycle: number; completed: boolean; generated: number; valid: number; admitted: number; rejectionsByStage: Record<string, number> }

/** Per-cycle counts straight from the events, to hold the projection's figures against. */
function countsFromEvents(events: readonly RecordedEvent[], cycle: number) {
  const of = (type: string) => events.filter((e) => e.type === type && (e.data as { cycle?: number }).cycle === cycle).length;
  return { generated: of('CandidateGenerated'), valid: of('CandidateEvaluated'), admitted: of('CandidateAdmitted'), rejected: of('CandidateRejected') };
}

/**
 * The scale-out path with the real generator and runner: `nas-ledger run --agents 0` on PostgreSQL publishes the
 * grammar generator's generate and fine-tune jobs and the CPU evaluate jobs to a real Kafka broker, and a separate
 * `nas-ledger agent` process (sandboxed PyTorch runners plus the generators) serves all of them. 2 cycles x 3
 * candidates on 256 Fashion-MNIST training images and 256 validation images.
 */
describe('real generators and runner over Kafka, agent in its own process', () => {
  let pg: PostgresServer;
  let broker: KafkaBroker;
  before(async () => { [pg, broker] = await Promise.all([startPostgres(), startKafkaBroker()]); });
  after(async () => { await broker?.stop(); await pg?.stop(); });

  it('completes 2 cycles x 3 candidates; every job went through the agent; the projections match the ledger', async () => {
    const store = await pg.createDatabase('real_kafka');
    const id = 'real-kafka';
    // Generator versions and adapters are files the run (cycle 1's version) and the agent share.
    const env = { NAS_LEDGER_ARTIFACTS: mkdtempSync(join('/var/tmp', 'nas-ledger-test-artifacts-')) };
    const agent = spawnNode(CLI, ['agent', '--bus', broker.url, '--store', store, '--device', 'cpu', '--workers', '2',
      '--val-subset', '256', '--timeout', '120', '--agent-id', AGENT_ID], env);
    try {
      const run = spawnNode(CLI, ['run', '--id', id, '--generator', 'grammar', '--dataset', 'fashion-mnist', '--subset', '256',
        '--device', 'cpu', '--cycles', String(CYCLES), '--candidates', String(PER_CYCLE), '--threshold', '0.2', '--seed', '3',
        '--store', store, '--bus', broker.url, '--agents', '0', '--json'], env);
      const summary = JSON.parse(await finish(run, 'run', 150_000)) as { completed: boolean; generated: number; valid: number; admitted: number };
      assert.equal(summary.completed, true);

      const ledger = await openEventStore(store);
      let events: RecordedEvent[];
      try {
        events = await experimentEvents(ledger, id);
      } finally {
        await ledger.close();
      }
      const { evaluated, admitted } = assertCompleteAndConsistent(events, CYCLES, PER_CYCLE);
      assertOneAgentPerAttempt(events);
      assert.ok(evaluated > 0, 'at least one generated program trained');
      const claimedBy = new Map<string, Set<string>>();
      for (const e of events.filter((x) => x.type === 'JobClaimed')) {
        const { jobId, agentId } = e.data as { jobId: string; agentId: string };
        const kind = jobId.slice(0, jobId.indexOf(':'));
        claimedBy.set(kind, (claimedBy.get(kind) ?? new Set()).add(agentId));
      }
      for (const kind of ['generate', 'evaluate', 'fine-tune']) assert.deepEqual([...claimedBy.get(kind) ?? []], [AGENT_ID], `${kind} jobs ran in the agent process`);
      assert.equal(events.filter((e) => e.type === 'GeneratorFineTuned').length, CYCLES, 'the grammar generator was fine-tuned each cycle');
      for (const e of events.filter((x) => x.type === 'CandidateEvaluated')) {
        const d = e.data as { device: string; dataset: { id: string }; accuracy: number };
        assert.equal(d.device, 'cpu');
        assert.ok(d.dataset.id.startsWith('fashion-mnist'));
        assert.ok(d.accuracy >= 0 && d.accuracy <= 1);
      }

      // The read side, from its own process: per-cycle statistics folded by the projection equal the raw counts.
      const stats = JSON.parse(await finish(spawnNode(CLI, ['stats', id, '--store', store, '--json']), 'stats', 30_000)) as StatsRow[];
      assert.deepEqual(stats.map((r) => r.cycle), [1, 2]);
      for (const row of stats) {
        const counts = countsFromEvents(events, row.cycle);
        assert.equal(row.completed, true);
        assert.equal(row.generated, counts.generated);
        assert.equal(row.valid, counts.valid);
        assert.equal(row.admitted, counts.admitted);
        assert.equal(Object.values(row.rejectionsByStage).reduce((s, n) => s + n, 0), counts.rejected);
      }
      assert.deepEqual([summary.generated, summary.valid, summary.admitted], [CYCLES * PER_CYCLE, evaluated, admitted], 'run summary = ledger');
    } finally {
      agent.process.kill('SIGTERM');
      await agent.exited;
    }
  });
});
