import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startPostgres, type PostgresServer } from '../support/postgres-server';
import { startKafkaBroker, type KafkaBroker } from '../support/kafka-broker';
import { killHard } from '../loop/crash-harness';
import { allEvents, cli, reviewedOf, scratchDir, startCli } from './review-cli-support';

const ID = 'review-kafka';
const AGENT_ID = 'review-kafka-agent';

/**
 * A review on the fleet: the experiment ran in one process on PostgreSQL; `review --bus kafka://…` publishes the
 * review-evaluate jobs to a real broker and a separate `nas-ledger agent` process (sandboxed PyTorch runners) serves
 * them, recording every verdict on the review's stream. 1 cycle x 3 candidates on 256 + 256 Fashion-MNIST images.
 */
describe('review over Kafka with a separate nas-ledger agent process', () => {
  let pg: PostgresServer;
  let broker: KafkaBroker;
  before(async () => { [pg, broker] = await Promise.all([startPostgres(), startKafkaBroker()]); });
  after(async () => { await broker?.stop(); await pg?.stop(); });

  it('every candidate re-run by the agent process and reproduced; the review completes', async () => {
    const store = await pg.createDatabase('review_kafka');
    const dir = scratchDir('review-kafka');
    const env = { NAS_LEDGER_ARTIFACTS: join(dir, 'artifacts'), NAS_LEDGER_CACHE: join(dir, 'cache') };
    const run = await cli(['run', '--id', ID, '--generator', 'grammar', '--dataset', 'fashion-mnist', '--subset', '256', '--val-subset', '256',
      '--device', 'cpu', '--cycles', '1', '--candidates', '3', '--threshold', '0.05', '--seed', '5', '--store', store, '--json'], env, 300_000);
    assert.equal(run.code, 0, run.output);

    const agent = startCli(['agent', '--bus', broker.url, '--store', store, '--device', 'cpu', '--workers', '1', '--timeout', '120', '--agent-id', AGENT_ID], env);
    try {
      const review = await cli(['review', ID, '--store', store, '--bus', broker.url, '--json'], env, 300_000);
      assert.equal(review.code, 0, `${review.output}\nagent:\n${agent.output()}`);
      const result = JSON.parse(review.stdout) as { reviewId: string; completed: boolean; verdicts: { candidateId: string; verdict: string }[] };
      assert.equal(result.completed, true);
      const events = await allEvents(store);
      const reviewable = events.filter((e) => e.type === 'CandidateEvaluated' || (e.type === 'CandidateRejected' && (e.data as { device: string | null }).device !== null));
      assert.equal(result.verdicts.length, reviewable.length, 'one verdict per candidate the runner decided about');
      for (const v of result.verdicts) assert.equal(v.verdict, 'reproduced', JSON.stringify(v));
      assert.equal(reviewedOf(events, result.reviewId).length, reviewable.length, 'recorded once each');
      const claims = events.filter((e) => e.type === 'JobClaimed' && (e.data as { jobId: string }).jobId.startsWith(`review-evaluate:${result.reviewId}:`));
      // Lease renewals are JobClaimed events too: count the jobs claimed, not the claims.
      assert.equal(new Set(claims.map((e) => (e.data as { jobId: string }).jobId)).size, reviewable.length, 'every re-run went through a job claim');
      assert.ok(claims.every((e) => (e.data as { agentId: string }).agentId === AGENT_ID), 'the separate agent process ran them all');
    } finally {
      agent.process.kill('SIGTERM');
      const code = await Promise.race([agent.exited, new Promise<'late'>((r) => { setTimeout(() => r('late'), 30_000).unref(); })]);
      if (code === 'late') await killHard(agent);
    }
  });
});
