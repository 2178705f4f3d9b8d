import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { QueryBus } from '@nestjs/cqrs';
import type { INestApplicationContext } from '@nestjs/common';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { EventStore } from '../../src/ledger/event-store.port';
import { openEventStore } from '../../src/ledger/open-event-store';
import { ProjectionRunner } from '../../src/queries/projection-runner';
import { SnapshotMaintainer } from '../../src/queries/snapshot-maintainer';
import { QueriesModule } from '../../src/queries/queries.module';
import { GetCycleStatsQuery } from '../../src/queries/get-cycle-stats/get-cycle-stats.query';
import { GetProvenanceQuery } from '../../src/queries/get-provenance/get-provenance.query';
import { ListExperimentsQuery } from '../../src/queries/list-experiments/list-experiments.query';
import { GetCorpusQuery } from '../../src/queries/get-corpus/get-corpus.query';
import { ListCandidatesQuery } from '../../src/queries/list-candidates/list-candidates.query';
import { cycleStatisticsProjection, initialCycleStatisticsView } from '../../projections/cycle-statistics/evolve';
import { cycleStatsRows } from '../../projections/cycle-statistics/query';
import { candidatesProjection } from '../../projections/candidates/evolve';
import { lineageProjection } from '../../projections/lineage/evolve';
import { foldEvents, projectionVersion } from '../../projections/shared/projection';
import type { AsOf } from '../../projections/shared/as-of';
import { appendHistory, buildExperimentHistory, toRecordedEvents } from '../support/ledger-fixtures';

const SEED = 21;
const EXP = `exp-${SEED}`;
const LATE = 'exp-late';
const CYCLES = 6;
const PER_CYCLE = 15;
const START = '2026-01-01T00:00:00.000Z';

let dir: string;
let store: EventStore;
let cold: ProjectionRunner;
let logged: RecordedEvent[];

function stoppedAt(cycle: number): RecordedEvent[] {
  return toRecordedEvents(buildExperimentHistory({ cycles: cycle, candidatesPerCycle: PER_CYCLE, seed: SEED, complete: false }));
}

const rejects = (code: string, pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof LedgerError, `expected a LedgerError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  assert.match(error.message, pattern);
  return true;
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nas-ledger-projections-'));
  store = await openEventStore(dir);
  await appendHistory(store, buildExperimentHistory({ cycles: CYCLES, candidatesPerCycle: PER_CYCLE, seed: SEED }), { startTime: START });
  // A second experiment registered later, so "did not exist yet at that point" can be asked about.
  await appendHistory(store, buildExperimentHistory({ cycles: 1, candidatesPerCycle: 3, seed: 5, experimentId: LATE }),
    { startTime: '2026-02-01T00:00:00.000Z' });
  logged = await store.readAll();
  // Never snapshots: every answer is a replay from position 0.
  cold = new ProjectionRunner(store, { useSnapshots: false });
});

after(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function cycleEnd(cycle: number): RecordedEvent {
  return logged.find((e) => e.type === 'CycleCompleted' && (e.data as { experimentId: string; cycle: number }).experimentId === EXP &&
    (e.data as { cycle: number }).cycle === cycle)!;
}

describe('as-of queries against the embedded store', () => {
  it('as of cycle c equals the statistics of a ledger that stopped at cycle c (c = 2, 4, 6)', async () => {
    for (const cycle of [2, 4, 6]) {
      const { view, position, snapshotPosition } = await cold.viewAsOf(cycleStatisticsProjection, { kind: 'cycle', cycle }, EXP);
      assert.equal(position, cycleEnd(cycle).globalPosition);
      assert.equal(snapshotPosition, null);
      assert.deepEqual(cycleStatsRows(view, EXP), cycleStatsRows(foldEvents(cycleStatisticsProjection, stoppedAt(cycle)), EXP));
    }
  });

  it('as of a time and as of a position name the same prefix as the cycle they fall on', async () => {
    const end = cycleEnd(3);
    const byCycle = await cold.resolvePosition({ kind: 'cycle', cycle: 3 }, EXP);
    assert.equal(await cold.resolvePosition({ kind: 'time', time: end.metadata.recordedAt }), byCycle);
    // Half a step later still lands on the same event; half a step earlier lands on the one before.
    const t = Date.parse(end.metadata.recordedAt);
    assert.equal(await cold.resolvePosition({ kind: 'time', time: new Date(t + 500).toISOString() }), byCycle);
    assert.equal(await cold.resolvePosition({ kind: 'time', time: new Date(t - 500).toISOString() }), byCycle - 1);
    assert.equal(await cold.resolvePosition({ kind: 'time', time: '2025-12-31T23:59:59Z' }), 0);
    assert.equal(await cold.resolvePosition({ kind: 'position', position: byCycle }), byCycle);
  });

  it('refuses as-of points that do not exist, with NOT_FOUND or BAD_INPUT and a message that says why', async () => {
    const head = await store.head();
    await assert.rejects(cold.viewAsOf(cycleStatisticsProjection, { kind: 'position', position: head + 1 }), rejects('NOT_FOUND', /beyond the head/));
    await assert.rejects(cold.viewAsOf(cycleStatisticsProjection, { kind: 'cycle', cycle: CYCLES + 1 }, EXP), rejects('NOT_FOUND', /has not completed \(completed cycles: 1\.\.6\)/));
    await assert.rejects(cold.viewAsOf(cycleStatisticsProjection, { kind: 'cycle', cycle: 1 }, 'exp-nope'), rejects('NOT_FOUND', /no experiment "exp-nope"/));
    await assert.rejects(cold.viewAsOf(cycleStatisticsProjection, { kind: 'cycle', cycle: 1 }), rejects('BAD_INPUT', /needs an experiment/));
    await assert.rejects(cold.viewAsOf(cycleStatisticsProjection, { kind: 'time', time: '2999-01-01T00:00:00Z' }), rejects('NOT_FOUND', /in the future/));
    await assert.rejects(cold.viewAsOf(cycleStatisticsProjection, { kind: 'time', time: 'last tuesday' }), rejects('BAD_INPUT', /ISO-8601/));
  });
});

describe('snapshots', () => {
  it('give the same answers as a full replay, starting from the snapshot at or before the as-of point', async () => {
    const warm = new ProjectionRunner(store);
    const refreshed = await warm.refreshSnapshots(cycleStatisticsProjection);
    assert.equal(refreshed.saved, CYCLES + 2, 'one per CycleCompleted (both experiments) and one at the head');
    const points: AsOf[] = [
      { kind: 'cycle', cycle: 1 }, { kind: 'cycle', cycle: 5 },
      { kind: 'position', position: cycleEnd(3).globalPosition + 37 }, { kind: 'head' },
    ];
    for (const asOf of points) {
      const fromSnapshot = await warm.viewAsOf(cycleStatisticsProjection, asOf, EXP);
      const replay = await cold.viewAsOf(cycleStatisticsProjection, asOf, EXP);
      assert.notEqual(fromSnapshot.snapshotPosition, null, `a snapshot was used for ${JSON.stringify(asOf)}`);
      assert.ok(fromSnapshot.eventsFolded < replay.eventsFolded);
      assert.deepEqual(cycleStatsRows(fromSnapshot.view, EXP), cycleStatsRows(replay.view, EXP));
    }
    const exact = await warm.viewAsOf(cycleStatisticsProjection, { kind: 'cycle', cycle: 4 }, EXP);
    assert.equal(exact.snapshotPosition, cycleEnd(4).globalPosition);
    assert.equal(exact.eventsFolded, 0);
  });

  it('a cold fold of many events leaves a snapshot that the next query starts from', async () => {
    const runner = new ProjectionRunner(store, { snapshotAfterEvents: 50 });
    const first = await runner.viewAsOf(candidatesProjection, { kind: 'cycle', cycle: 2 }, EXP);
    assert.equal(first.snapshotPosition, null);
    const second = await runner.viewAsOf(candidatesProjection, { kind: 'cycle', cycle: 3 }, EXP);
    assert.equal(second.snapshotPosition, first.position);
    assert.deepEqual(second.view, (await cold.viewAsOf(candidatesProjection, { kind: 'cycle', cycle: 3 }, EXP)).view);
  });

  it('are ignored once the projection code version changes, which rebuilds from the log', async () => {
    const projection = { ...cycleStatisticsProjection, name: 'cycle-statistics-version-test' };
    const head = await store.head();
    // A snapshot that disagrees with the log: used while its version is current, ignored after a version bump.
    await store.saveSnapshot({
      projection: projection.name, projectionVersion: projectionVersion(projection), position: head, state: initialCycleStatisticsView(),
    });
    const stale = await new ProjectionRunner(store).viewAt(projection, head);
    assert.equal(cycleStatsRows(stale.view, EXP), null, 'the planted snapshot was read');
    const bumped = { ...projection, codeVersion: `${projection.codeVersion}+1` };
    assert.notEqual(projectionVersion(bumped), projectionVersion(projection));
    const rebuilt = await new ProjectionRunner(store).viewAt(bumped, head);
    assert.equal(rebuilt.snapshotPosition, null);
    assert.deepEqual(cycleStatsRows(rebuilt.view, EXP), cycleStatsRows((await cold.viewAt(cycleStatisticsProjection, head)).view, EXP));
  });
});

describe('the snapshot maintainer', () => {
  it('following the store, leaves a snapshot of every read model at each cycle end', async () => {
    const maintainer = new SnapshotMaintainer(store);
    const subscription = maintainer.start();
    await subscription.caughtUp;
    await maintainer.stop();
    for (const projection of [candidatesProjection, lineageProjection]) {
      const end = cycleEnd(3).globalPosition;
      const snapshot = await store.loadSnapshot(projection.name, projectionVersion(projection), end);
      assert.equal(snapshot?.position, end, projection.name);
    }
    const at = await new ProjectionRunner(store).viewAsOf(lineageProjection, { kind: 'cycle', cycle: 3 }, EXP);
    assert.equal(at.eventsFolded, 0);
    assert.deepEqual(at.view, (await cold.viewAsOf(lineageProjection, { kind: 'cycle', cycle: 3 }, EXP)).view);
  });
});

describe('the query side through the QueryBus', () => {
  let app: INestApplicationContext;
  let bus: QueryBus;
  before(async () => {
    app = await NestFactory.createApplicationContext(QueriesModule.withStore(store), { logger: false });
    bus = app.get(QueryBus);
  });
  after(async () => app?.close());

  it('answers stats, experiments, corpus and candidates with typed results', async () => {
    const stats = await bus.execute(new GetCycleStatsQuery(EXP, { kind: 'cycle', cycle: 2 }));
    assert.equal(stats.position, cycleEnd(2).globalPosition);
    assert.deepEqual(stats.cycles, cycleStatsRows(foldEvents(cycleStatisticsProjection, stoppedAt(2)), EXP));
    const experiments = await bus.execute(new ListExperimentsQuery());
    assert.deepEqual(experiments.experiments.map((e) => [e.experimentId, e.status, e.cyclesDone]), [[EXP, 'completed', CYCLES], [LATE, 'completed', 1]]);
    const corpus = await bus.execute(new GetCorpusQuery(EXP, { kind: 'cycle', cycle: 1 }));
    assert.equal(corpus.size, stats.cycles[0]!.corpusSize);
    const candidates = await bus.execute(new ListCandidatesQuery(EXP, 2));
    assert.equal(candidates.candidates.length, PER_CYCLE);
    assert.ok(candidates.candidates.every((c) => c.cycle === 2));
  });

  it('traces an admitted architecture back through the fine-tunes to the seed corpus', async () => {
    const corpus = await bus.execute(new GetCorpusQuery(EXP));
    const admitted = corpus.members.filter((m) => m.source === 'admitted' && m.cycle === 4)[0]!;
    const provenance = await bus.execute(new GetProvenanceQuery(admitted.architectureId!));
    assert.equal(provenance.subject.kind, 'architecture');
    assert.equal(provenance.subject.candidateId, admitted.candidateId);
    assert.deepEqual(provenance.candidateEvents.map((e) => e.type),
      ['CandidateGenerated', 'CandidateEvaluated', 'NoveltyAssessed', 'CandidateAdmitted']);
    const stored = logged.filter((e) => e.streamId === `candidate-${admitted.candidateId}`);
    assert.deepEqual(provenance.candidateEvents.map((e) => [e.position, e.hash]), stored.map((e) => [e.globalPosition, e.hash]));
    assert.deepEqual(provenance.generatorChain.map((s) => s.kind), ['fine-tuned', 'fine-tuned', 'fine-tuned', 'initial']);
    for (const step of provenance.generatorChain) if (step.kind === 'fine-tuned') assert.equal(step.corpusHashVerified, true);
    // As of cycle 3 the architecture had not been admitted yet: its candidate did not even exist.
    await assert.rejects(bus.execute(new GetProvenanceQuery(admitted.architectureId!, { kind: 'cycle', cycle: 3 })), rejects('NOT_FOUND', /did not exist yet/));
  });

  it('refuses bad queries: an empty id, an unknown id, an experiment registered after the as-of point', async () => {
    await assert.rejects(bus.execute(new GetCycleStatsQuery('')), rejects('BAD_INPUT', /experimentId/));
    await assert.rejects(bus.execute(new GetCycleStatsQuery(EXP, { kind: 'position', position: -3 })), rejects('BAD_INPUT', /position/));
    await assert.rejects(bus.execute(new GetProvenanceQuery('arch-000000000000')), rejects('NOT_FOUND', /no candidate, architecture or seed/));
    await assert.rejects(bus.execute(new GetCycleStatsQuery(LATE, { kind: 'cycle', cycle: CYCLES }, )),
      rejects('NOT_FOUND', /has not completed/));
    await assert.rejects(bus.execute(new GetCycleStatsQuery(LATE, { kind: 'position', position: cycleEnd(CYCLES).globalPosition })),
      rejects('NOT_FOUND', /registered at position \d+, after position/));
  });
});
