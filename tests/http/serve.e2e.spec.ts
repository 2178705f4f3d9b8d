import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cycleStatisticsProjection } from '../../projections/cycle-statistics/evolve';
import { cycleStatsRows } from '../../projections/cycle-statistics/query';
import { foldEvents } from '../../projections/shared/projection';
import { buildExperimentHistory, prefixThroughCycle, toRecordedEvents, type ExperimentHistory } from '../support/ledger-fixtures';
import { getJson, runCli, serveHistories, type ServedLedger } from './serve-fixture';
import { describeDashboard } from './dashboard.browser';

const CYCLES = 6;
const history = buildExperimentHistory({ cycles: CYCLES, candidatesPerCycle: 10, seed: 41 });
const EXP = history.experimentId;
/** A second experiment, cut in the middle of its cycle 3: the dashboard must show a running cycle at the head. */
const running = cutInsideCycle(buildExperimentHistory({ cycles: 3, candidatesPerCycle: 8, seed: 43, complete: false }), 3);

function cutInsideCycle(h: ExperimentHistory, cycle: number): ExperimentHistory {
  const start = h.events.findIndex((e) => e.event.type === 'CycleStarted' && e.event.data.cycle === cycle);
  return { ...h, events: h.events.slice(0, start + 1 + h.config.candidatesPerCycle + 6) };
}
const STATS_KEYS = ['cycle', 'generated', 'valid', 'validRate', 'validRateCI', 'meanAccuracy', 'meanAccuracyCI', 'medianAccuracy',
  'bestAccuracy', 'aboveThreshold', 'aboveThresholdCI', 'admitted', 'corpusSize', 'eliteConcentration', 'diversity', 'novelty'];

/** What the projection says, folded here without the server, store or QueryBus; JSON round trip as on the wire. */
function expectedRows(through?: number): unknown {
  const events = toRecordedEvents(through === undefined ? history : prefixThroughCycle(history, through));
  return JSON.parse(JSON.stringify(cycleStatsRows(foldEvents(cycleStatisticsProjection, events), EXP)));
}

let served: ServedLedger;
const api = (path: string) => getJson(new URL(path, served.url).toString());

before(async () => {
  served = await serveHistories([history, running]);
});

after(async () => {
  await served?.remove();
});

describe('HTTP API: reads', () => {
  it('GET /api/experiments lists the experiment at the head', async () => {
    const { status, contentType, body } = await api('/api/experiments');
    assert.equal(status, 200);
    assert.match(contentType, /^application\/json/);
    const experiments = body.experiments as Array<{ experimentId: string; cyclesDone: number; status: string }>;
    assert.deepEqual(experiments.map((e) => [e.experimentId, e.cyclesDone, e.status]),
      [[EXP, CYCLES, 'completed'], [running.experimentId, 2, 'running']]);
    const head = history.events.length + running.events.length;
    assert.equal(body.head, head);
    assert.deepEqual(await api('/api/head').then((r) => r.body), { head });
  });

  it('GET /api/experiments/:id/stats returns the stats --json objects, equal to the projection at the head', async () => {
    const { status, body } = await api(`/api/experiments/${EXP}/stats`);
    assert.equal(status, 200);
    const cycles = body.cycles as Array<Record<string, unknown>>;
    assert.equal(cycles.length, CYCLES);
    for (const row of cycles) for (const key of STATS_KEYS) assert.ok(key in row, `missing key ${key}`);
    assert.deepEqual(cycles, expectedRows());
    assert.equal(body.threshold, history.config.threshold);
  });

  it('?asOfCycle=2 answers for the ledger that stopped at the end of cycle 2; ?asOfPosition= of that point agrees', async () => {
    const byCycle = await api(`/api/experiments/${EXP}/stats?asOfCycle=2`);
    assert.equal(byCycle.status, 200);
    assert.deepEqual(byCycle.body.cycles, expectedRows(2));
    assert.notDeepEqual(byCycle.body.cycles, expectedRows(), 'the as-of answer differs from the head');
    assert.equal(byCycle.body.position, prefixThroughCycle(history, 2).events.length, 'the CycleCompleted of cycle 2');
    assert.deepEqual(byCycle.body.asOf, { kind: 'cycle', cycle: 2 });
    const byPosition = await api(`/api/experiments/${EXP}/stats?asOfPosition=${byCycle.body.position}`);
    assert.equal(byPosition.status, 200);
    assert.deepEqual(byPosition.body.cycles, byCycle.body.cycles);
  });

  it('GET /api/experiments/:id/candidates?cycle= lists that cycle, admitted ones as the history admitted them', async () => {
    const { status, body } = await api(`/api/experiments/${EXP}/candidates?cycle=3`);
    assert.equal(status, 200);
    const rows = body.candidates as Array<{ candidateId: string; cycle: number; admitted: boolean }>;
    assert.equal(rows.length, 10);
    assert.ok(rows.every((c) => c.cycle === 3));
    const admittedInHistory = history.events
      .filter((e) => e.event.type === 'CandidateAdmitted' && e.event.data.cycle === 3)
      .map((e) => (e.event.data as { candidateId: string }).candidateId);
    assert.deepEqual(rows.filter((c) => c.admitted).map((c) => c.candidateId), admittedInHistory);
  });

  it('GET /api/provenance/:id gives an admitted candidate its events and generator chain back to the initial generator', async () => {
    const admitted = history.events.find((e) => e.event.type === 'CandidateAdmitted' && e.event.data.cycle === 3)!;
    const id = (admitted.event.data as { candidateId: string }).candidateId;
    const { status, body } = await api(`/api/provenance/${encodeURIComponent(id)}`);
    assert.equal(status, 200);
    assert.equal((body.subject as { status: string }).status, 'admitted');
    const ownEvents = history.events.filter((e) => e.streamId === admitted.streamId).map((e) => e.event.type);
    assert.deepEqual((body.candidateEvents as Array<{ type: string }>).map((e) => e.type), ownEvents);
    const chain = body.generatorChain as Array<{ kind: string; cycle?: number }>;
    assert.deepEqual(chain.map((s) => s.cycle ?? s.kind), [2, 1, 'initial'], 'written by the generator fine-tuned after cycle 2');
    const seed = await api('/api/provenance/seed%3Amodel0');
    assert.equal(seed.status, 200);
    assert.equal((seed.body.subject as { kind: string }).kind, 'seed-entry');
  });

  it('GET / is one self-contained HTML page: no external scripts, styles or fonts, and a CSP that forbids them', async () => {
    const res = await fetch(served.url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'.*connect-src 'self'/);
    const html = await res.text();
    assert.match(html, /data-testid="asof-slider"/);
    // The bundled libraries carry XML namespace names (www.w3.org) and a few URLs inside messages: nothing that loads.
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+stylesheet|(?:src|href)=["']?https?:|url\(\s*["']?https?:|@import/);
  });
});

describe('HTTP API: errors are JSON {code, message, hint} with the LedgerError status', () => {
  const badRequests: ReadonlyArray<readonly [string, RegExp]> = [
    [`/api/experiments/${EXP}/stats?asOfCycle=abc`, /asOfCycle must be a whole number/],
    [`/api/experiments/${EXP}/stats?asOfCycle=0`, /asOfCycle must not be less than 1/],
    [`/api/experiments/${EXP}/stats?asOfCycle=1.5`, /asOfCycle must be a whole number/],
    [`/api/experiments/${EXP}/stats?asOfCycle=1&asOfCycle=2`, /asOfCycle must be a whole number/],
    [`/api/experiments/${EXP}/stats?asOfPosition=-1`, /asOfPosition must be a whole number/],
    [`/api/experiments/${EXP}/stats?asOfTime=yesterday`, /asOfTime must be an ISO-8601 timestamp/],
    [`/api/experiments/${EXP}/stats?asOfCycle=1&asOfPosition=3`, /at most one as-of parameter, got asOfCycle and asOfPosition/],
    [`/api/experiments/${EXP}/stats?asofcycle=1`, /property asofcycle should not exist/],
    [`/api/experiments/${EXP}/candidates?cycle=first`, /cycle must be a whole number/],
    ['/api/experiments?asOfCycle=1', /property asOfCycle should not exist/],
  ];
  for (const [path, message] of badRequests) {
    it(`400 BAD_INPUT for ${path}`, async () => {
      const { status, contentType, body } = await api(path);
      assert.equal(status, 400);
      assert.match(contentType, /^application\/json/);
      assert.equal(body.code, 'BAD_INPUT');
      assert.match(String(body.message), message);
      assert.equal(typeof body.hint, 'string');
      assert.ok((body.hint as string).length > 10, 'the hint says what to do');
    });
  }

  const notFound: ReadonlyArray<readonly [string, RegExp]> = [
    ['/api/experiments/no-such-exp/stats', /no experiment "no-such-exp"/],
    ['/api/experiments/no-such-exp/candidates?cycle=1', /no experiment "no-such-exp"/],
    ['/api/provenance/no-such-candidate', /no candidate, architecture or seed corpus entry "no-such-candidate"/],
    [`/api/experiments/${EXP}/stats?asOfCycle=9`, /cycle 9 of experiment exp-41 has not completed \(completed cycles: 1\.\.6\)/],
    [`/api/experiments/${EXP}/stats?asOfPosition=999999`, /beyond the head/],
    ['/api/no-such-route', /Cannot GET \/api\/no-such-route/],
  ];
  for (const [path, message] of notFound) {
    it(`404 NOT_FOUND for ${path}`, async () => {
      const { status, body } = await api(path);
      assert.equal(status, 404);
      assert.equal(body.code, 'NOT_FOUND');
      assert.match(String(body.message), message);
      assert.equal(typeof body.hint, 'string');
    });
  }
});

describeDashboard(() => served, { history, running, cycles: CYCLES });

describe('nas-ledger serve: stopping and start-up failures', () => {
  let blocker: Server;
  before(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  });

  it('SIGTERM stops it with exit 0 and releases the store; a port in use then exits 9 (UNAVAILABLE) with a hint', async () => {
    assert.equal(await served.stop(), 0, 'serve exits 0 on SIGTERM after closing the store');
    const port = (blocker.address() as { port: number }).port;
    // The same store: it opens, so the failure is the port's (and the store lock was released by the stop).
    const busy = await runCli(['serve', '--store', served.dir, '--port', String(port)]);
    assert.equal(busy.code, 9, busy.stderr);
    assert.match(busy.stderr, new RegExp(`UNAVAILABLE: port ${port} on 127\\.0\\.0\\.1 is already in use`));
    assert.match(busy.stderr, /hint: Pick another with --port/);
  });

  it('a port out of range exits 2 before opening any store', async () => {
    const range = await runCli(['serve', '--store', join(served.dir, 'never-created'), '--port', '70000']);
    assert.equal(range.code, 2);
    assert.match(range.stderr, /--port must be at most 65535/);
    assert.equal(existsSync(join(served.dir, 'never-created')), false);
  });
});
