/**
 * The reading routes of `nas-ledger serve` (corpus, diff, show, an experiment's theory, proxy studies) against the CLI:
 * each happy path is the same query run as `nas-ledger … --json` on the same store, so the body cannot be a hard-coded
 * answer; bad input is a JSON {code, message, hint} with the LedgerError's status and no stack trace.
 * The ledger: the fixture histories of tests/reading (A: 3 cycles x 10, B: 2 x 4) and a proxy study of A written
 * through the study write path with chosen accuracies (tests/http/proxy-study-fixture.ts: no PyTorch here).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openEventStore } from '../../src/ledger/open-event-store';
import { buildExperimentHistory, toRecordedEvents } from '../support/ledger-fixtures';
import { seedStore } from '../support/seeded-store';
import { cliComparedLedger } from './serve-fixture';
import { assertJsonError } from './api-reply';
import { recordChosenStudy } from './proxy-study-fixture';

const A = buildExperimentHistory({ cycles: 3, candidatesPerCycle: 10, seed: 41 });
const B = buildExperimentHistory({ cycles: 2, candidatesPerCycle: 4, seed: 42 });
const events = toRecordedEvents(A);
/** A global position strictly inside cycle 2 of A (A is appended first, so the fixture's positions are the store's). */
const insideCycle2 = events.filter((e) => (e.data as { cycle?: number }).cycle === 2)[5]!.globalPosition;
const STUDY = 'study-http';
/** The study's first event comes right after both histories. */
const studyStart = A.events.length + B.events.length + 1;

const ledger = cliComparedLedger('nas-api-reading-');
const { api, cli, sameAsCli } = ledger;

before(async () => {
  await seedStore(ledger.dir, [A, B]);
  const store = await openEventStore(ledger.dir);
  try {
    await recordChosenStudy(store, { studyId: STUDY, experimentId: A.experimentId, full: [0.9, 0.85, 0.88, 0.8, 0.83], proxySeeds: [11, 12, 13],
      rerunShift: [[0.004, -0.003, 0.001], [-0.002, 0.003, 0], [0.001, 0.002, -0.004], [0.003, -0.001, -0.002], [-0.004, 0, 0.002]] });
  } finally {
    await store.close();
  }
  await ledger.serve();
});

after(() => ledger.remove());

describe('GET /api/experiments/:id/corpus', () => {
  it('equals `corpus --json` at the head, as of cycle 1 and as of a position inside cycle 2, and grows between them', async () => {
    const head = await sameAsCli(`/api/experiments/${A.experimentId}/corpus`, 'corpus', A.experimentId);
    const first = await sameAsCli(`/api/experiments/${A.experimentId}/corpus?asOfCycle=1`, 'corpus', A.experimentId, '--as-of-cycle', '1');
    await sameAsCli(`/api/experiments/${A.experimentId}/corpus?asOfPosition=${insideCycle2}`, 'corpus', A.experimentId, '--as-of-position', String(insideCycle2));
    assert.ok((head.size as number) > (first.size as number), `corpus size ${String(first.size)} at cycle 1, ${String(head.size)} at the head`);
    assert.equal((head.members as unknown[]).length, head.size);
  });
});

describe('GET /api/experiments/:id/diff', () => {
  it('equals `diff --json` from cycle 1 to a position inside cycle 2, and from a plain 1 to the head', async () => {
    const inside = await sameAsCli(`/api/experiments/${A.experimentId}/diff?from=cycle:1&to=position:${insideCycle2}`,
      'diff', A.experimentId, '--from', 'cycle:1', '--to', `position:${insideCycle2}`);
    assert.ok((inside.candidates as unknown[]).length > 0, 'cycle 2 candidates were recorded in between');
    const toHead = await sameAsCli(`/api/experiments/${A.experimentId}/diff?from=1`, 'diff', A.experimentId, '--from', '1');
    assert.deepEqual((toHead.cycles as { cycle: number; added: boolean }[]).map((c) => [c.cycle, c.added]), [[2, true], [3, true]]);
  });
});

describe('GET /api/show/:id', () => {
  const assessed = events.find((e) => e.type === 'CandidateNotAdmitted')!.data as { candidateId: string; cycle: number };

  it('equals `show --json` for a candidate (at the head and as of its cycle) and for a seed entry with ?experiment=', async () => {
    const record = await sameAsCli(`/api/show/${assessed.candidateId}`, 'show', assessed.candidateId);
    assert.equal((record.admission as { notAdmittedReason: string | null }).notAdmittedReason !== null, true);
    await sameAsCli(`/api/show/${assessed.candidateId}?asOfCycle=${assessed.cycle}`, 'show', assessed.candidateId, '--as-of-cycle', String(assessed.cycle));
    const seed = await sameAsCli(`/api/show/seed%3Amodel0?experiment=${B.experimentId}`, 'show', 'seed:model0', '--experiment', B.experimentId);
    assert.equal(seed.experimentId, B.experimentId);
  });
});

describe('GET /api/experiments/:id/theory', () => {
  it('equals `theory --json` at the head and as of cycle 2; Thm 8 reads the proxy study', async () => {
    const theory = await sameAsCli(`/api/experiments/${A.experimentId}/theory`, 'theory', A.experimentId);
    const rows = theory.rows as { result: string; verdict: string; observed: string }[];
    assert.deepEqual(rows.map((r) => r.result), ['Thm 2', 'Thm 3', 'Thm 5', 'Thm 7', 'Thm 8']);
    assert.notEqual(rows[4]!.verdict, 'not enough data', 'the study gives Thm 8 its figures');
    assert.match(rows[4]!.observed, /\(n = 5\)/);
    await sameAsCli(`/api/experiments/${A.experimentId}/theory?asOfCycle=2`, 'theory', A.experimentId, '--as-of-cycle', '2');
  });
});

describe('GET /api/studies/:id and /api/experiments/:id/studies', () => {
  it('equal `study show --json` and `study list --json`, run while serve holds the store (study show/list exited 8, LOCKED)', async () => {
    const study = await sameAsCli(`/api/studies/${STUDY}`, 'study', 'show', STUDY);
    const report = study.report as { status: string; n: number; pairs: unknown[] };
    assert.deepEqual([report.status, report.n, report.pairs.length], ['completed', 5, 5]);
    const partial = studyStart + 2;
    const early = await sameAsCli(`/api/studies/${STUDY}?asOfPosition=${partial}`, 'study', 'show', STUDY, '--as-of-position', String(partial));
    assert.equal((early.report as { status: string }).status, 'started');
    const list = await api(`/api/experiments/${A.experimentId}/studies`);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.studies, await cli('study', 'list', A.experimentId));
    assert.deepEqual((list.body.studies as { studyId: string }[]).map((s) => s.studyId), [STUDY]);
    assert.deepEqual(await api(`/api/experiments/${B.experimentId}/studies`).then((r) => r.body), { studies: [] });
  });
});

describe('reading routes: bad input is a JSON error with the LedgerError status, never a stack trace', () => {
  const a = A.experimentId;
  const cases: ReadonlyArray<readonly [string, number, RegExp]> = [
    // unknown ids
    ['/api/experiments/no-such-exp/corpus', 404, /no experiment "no-such-exp"/],
    ['/api/experiments/no-such-exp/diff?from=1', 404, /no experiment "no-such-exp"/],
    ['/api/show/no-such-candidate', 404, /no candidate, architecture or seed corpus entry "no-such-candidate"/],
    ['/api/experiments/no-such-exp/theory', 404, /no experiment "no-such-exp"/],
    [`/api/experiments/${a}/theory?against=no-such-exp`, 404, /--against "no-such-exp" is neither an experiment nor a group/],
    ['/api/studies/no-such-study', 404, /no study no-such-study/],
    ['/api/experiments/no-such-exp/studies', 404, /no experiment "no-such-exp"/],
    // points that do not exist (yet)
    [`/api/experiments/${a}/corpus?asOfCycle=9`, 404, /cycle 9 of experiment .* has not completed/],
    [`/api/experiments/${a}/diff?from=1&to=position:999999`, 404, /beyond the head/],
    [`/api/show/${a}.c03.000?asOfCycle=1`, 404, /did not exist yet/],
    [`/api/studies/${STUDY}?asOfPosition=${studyStart - 1}`, 404, new RegExp(`study ${STUDY} started after`)],
    // bad as-of values
    [`/api/experiments/${a}/corpus?asOfCycle=abc`, 400, /asOfCycle must be a whole number/],
    [`/api/experiments/${a}/corpus?asOfTime=yesterday`, 400, /asOfTime must be an ISO-8601 timestamp/],
    [`/api/experiments/${a}/corpus?asOfCycle=1&asOfPosition=3`, 400, /at most one as-of parameter/],
    [`/api/show/${a}.c01.000?asOfPosition=-1`, 400, /asOfPosition must be a whole number/],
    [`/api/experiments/${a}/theory?asOfCycle=0`, 400, /asOfCycle must not be less than 1/],
    [`/api/studies/${STUDY}?asOfCycle=1`, 400, /property asOfCycle should not exist/],
    [`/api/experiments/${a}/studies?asOfTime=2026-13-45`, 400, /asOfTime must be an ISO-8601 timestamp/],
    // bad diff points
    [`/api/experiments/${a}/diff`, 400, /from/],
    [`/api/experiments/${a}/diff?from=yesterday`, 400, /from "yesterday" is not a point in history \(unknown form\)/],
    [`/api/experiments/${a}/diff?from=cycle:two`, 400, /cycle needs a whole number/],
    [`/api/experiments/${a}/diff?from=1&to=time:soon`, 400, /ISO-8601/],
    [`/api/experiments/${a}/diff?from=3&to=1`, 400, /is after --to/],
    // ambiguous or mismatched ids
    ['/api/show/seed%3Amodel0', 400, /"seed:model0" names entries in 2 experiments/],
    [`/api/experiments/${a}/theory?against=${B.experimentId}`, 400, /has a different config from/],
  ];
  for (const [path, status, message] of cases) {
    it(`${status} for ${path}`, async () => assertJsonError(await api(path), status, message));
  }
});
