/**
 * The dashboard's group page and study view in a real Chromium (playwright-core, /usr/bin/chromium).
 * The group is real: `replicate --generator sim --seeds 1,2,3` through the CLI. The proxy study is NOT a real one (that
 * needs PyTorch and minutes of training): its ledger is written here through the write path the agents use
 * (startProxyStudy, then handleCommand with the proxy-study decider for each full training and proxy re-run, then
 * completeProxyStudy) on top CandidateEvaluated events of the replicate's first run, with full-training and re-run
 * accuracies chosen below. The page must draw what GET /api/studies/:id reports of them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openEventStore } from '../../src/ledger/open-event-store';
import { handleCommand } from '../../src/ledger/handle-command';
import { completeProxyStudy, startProxyStudy } from '../../src/studies/proxy-study-commands';
import { completeReview, recordCandidateReview, startReview } from '../../src/reviews/review-commands';
import { proxyStudyDecider } from '../../domain/study/proxy-study.decider';
import { proxyStudyCommandIds, studyStreamId, type TrainingOutcome } from '../../domain/study/proxy-study.events';
import { CHROMIUM, CHROMIUM_ARGS, SCREENSHOT_DIR } from './dashboard.browser';
import { getJson, runCli, serveStore, type ServedLedger } from './serve-fixture';

const GROUP = 'g-dash';
const SEEDS = [1, 2, 3];
const CYCLES = 3;
const STUDY = 'study-dash';
/** The group page's metrics (group-view.js GROUP_METRICS). */
const METRICS = ['validRate', 'meanAccuracy', 'bestAccuracy', 'eliteConcentration', 'diversity', 'corpusSize'];
/** Chosen numbers: full-training accuracy per selected candidate (best proxy first), and three proxy re-runs each. */
const FULL = [0.91, 0.87, 0.89, 0.82, 0.84];
const RERUN_SHIFT = [[0.004, -0.003, 0.001], [-0.002, 0.003, 0.0], [0.001, 0.002, -0.004], [0.003, -0.001, -0.002], [-0.004, 0.0, 0.002]];
const PROXY_SEEDS = [11, 12, 13];

const parent = mkdtempSync(join(tmpdir(), 'nas-dash-groups-'));
const storePath = join(parent, 'ledger');
let served: ServedLedger;
let runs: { seed: number; experimentId: string }[] = [];

const outcome = (accuracy: number): TrainingOutcome =>
  ({ ok: true, accuracy, loss: 0.5, stage: 'passed', reason: null, protocolHash: 'chosen-in-spec', device: 'cpu', durationMs: 1 });

/** Writes a completed proxy study of the replicate's first run through the write path, with the chosen numbers. */
async function recordStudy(experimentId: string): Promise<void> {
  const store = await openEventStore(storePath);
  try {
    type Evaluated = { experimentId: string; candidateId: string; accuracy: number };
    const evaluated = (await store.readAll()).filter((e) => e.type === 'CandidateEvaluated' && (e.data as Evaluated).experimentId === experimentId)
      .map((e) => ({ candidateId: (e.data as Evaluated).candidateId, proxyAccuracy: (e.data as Evaluated).accuracy, evaluatedAt: e.globalPosition }))
      .sort((a, b) => b.proxyAccuracy - a.proxyAccuracy).slice(0, FULL.length);
    assert.equal(evaluated.length, FULL.length, 'the replicate run evaluated too few candidates for the study');
    const writer = { actor: 'study/spec' };
    await startProxyStudy(store, {
      studyId: STUDY, experimentId, from: 'valid', topK: FULL.length, candidates: evaluated, poolSize: evaluated.length, requestedBy: 'spec', toolVersion: '0.1.0',
      training: { epochs: 2, proxySeeds: PROXY_SEEDS, dataset: 'fashion-mnist', protocol: 'fast', subset: 256, valSubset: 256, device: 'cpu', threads: 1 },
    }, writer);
    for (const [i, c] of evaluated.entries()) {
      const base = { studyId: STUDY, experimentId, candidateId: c.candidateId };
      const meta = (commandId: string) => ({ commandId, correlationId: `study:${STUDY}`, causationId: null, actor: writer.actor });
      await handleCommand(store, studyStreamId(STUDY), proxyStudyDecider, { type: 'RecordFullTrain', data: { ...base, epochs: 2, ...outcome(FULL[i]!) } },
        meta(proxyStudyCommandIds.fullTrain(STUDY, c.candidateId)));
      for (const [k, seed] of PROXY_SEEDS.entries()) {
        await handleCommand(store, studyStreamId(STUDY), proxyStudyDecider,
          { type: 'RecordProxyRerun', data: { ...base, seed, ...outcome(c.proxyAccuracy + RERUN_SHIFT[i]![k]!) } }, meta(proxyStudyCommandIds.proxyRerun(STUDY, c.candidateId, seed)));
      }
    }
    await completeProxyStudy(store, STUDY, writer);
  } finally {
    await store.close();
  }
}

/**
 * A completed review of the second run through the review write path (verdicts chosen here, not re-run: the review
 * e2e specs re-run real PyTorch): two candidates reproduced, one diverged. The page must count them as the API does.
 */
async function recordReview(experimentId: string): Promise<void> {
  const store = await openEventStore(storePath);
  try {
    const candidateIds = (await store.readAll()).filter((e) => e.type === 'CandidateEvaluated' && (e.data as { experimentId: string }).experimentId === experimentId)
      .slice(0, 3).map((e) => (e.data as { candidateId: string }).candidateId);
    assert.equal(candidateIds.length, 3);
    const writer = { actor: 'review/spec' };
    await startReview(store, {
      reviewId: 'review-dash', experimentId, candidateIds, reviewer: 'spec', toolVersion: '0.1.0',
      scope: { cycle: null, admitted: false, candidates: candidateIds, sample: null, seed: null, regenerate: false, decisions: false, tolerance: 0 },
      environment: { datasetContentHash: null, dataset: 'sim', device: 'cpu', libraries: {}, threads: 1, sandbox: 'none' },
    }, writer);
    for (const [i, candidateId] of candidateIds.entries()) {
      await recordCandidateReview(store, {
        reviewId: 'review-dash', experimentId, candidateId, verdict: i < 2 ? 'reproduced' : 'diverged', deltas: { accuracy: i < 2 ? 0 : 0.01 },
        likelyCause: i < 2 ? null : 'chosen in the spec', remedy: null, environmentDifferences: [], outcomeDifferences: [], decisionDifferences: [],
        protocolValues: 'not-applicable', regenerated: null,
      }, writer);
    }
    await completeReview(store, 'review-dash', writer);
  } finally {
    await store.close();
  }
}

before(async () => {
  const replicate = await runCli(['replicate', '--seeds', SEEDS.join(','), '--generator', 'sim', '--cycles', String(CYCLES), '--candidates', '8',
    '--group-id', GROUP, '--store', storePath, '--json']);
  assert.equal(replicate.code, 0, replicate.stderr);
  runs = (JSON.parse(replicate.stdout) as { runs: typeof runs }).runs;
  await recordStudy(runs[0]!.experimentId);
  await recordReview(runs[1]!.experimentId);
  served = await serveStore(storePath);
});

after(async () => {
  await served?.remove();
  rmSync(parent, { recursive: true, force: true });
});

describe('dashboard: a multi-seed group and a proxy study (real Chromium)', () => {
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = async (name: string) => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true });
  };
  const api = async <T>(path: string): Promise<T> => (await getJson(new URL(path, served.url).toString())).body as T;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
    await page.goto(served.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  });

  after(async () => {
    await browser?.close();
  });

  it('lists the group beside the experiments, with its runs and seeds', async () => {
    const groups = await api<{ groups: { groupId: string; seeds: number[]; members: unknown[] }[] }>('/api/groups');
    assert.deepEqual(groups.groups.map((g) => [g.groupId, g.seeds, g.members.length]), [[GROUP, SEEDS, 3]]);
    const item = page.locator(`[data-testid=group-item][data-group-id="${GROUP}"]`);
    assert.equal(await item.count(), 1);
    assert.match((await item.textContent()) ?? '', /3 runs · seeds 1, 2, 3/);
  });

  it('the group page draws one 95% band per metric, the three runs faint and the mean, at the head', async () => {
    await page.locator(`[data-testid=group-item][data-group-id="${GROUP}"]`).click();
    await page.locator(`[data-testid=group-asof-label][data-asof-cycle=head]`).waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('#overview').isHidden(), true, 'the experiment view is hidden');
    assert.equal(await page.locator('[data-testid^=chart-group-]').count(), METRICS.length);
    // Plot draws an areaY as one path per series (one variant here): band paths = metrics shown.
    assert.equal(await page.locator('[data-testid=group-charts] g.nl-band path').count(), METRICS.length);
    for (const metric of METRICS) {
      const chart = page.locator(`[data-testid=chart-group-${metric}]`);
      assert.equal(await chart.locator('g.nl-band path').count(), 1, metric);
      assert.equal(await chart.locator('g.nl-run path').count(), SEEDS.length, `${metric}: one faint line per run`);
      assert.equal(await chart.getAttribute('data-cycles'), String(CYCLES), metric);
    }
    // The numbers under the chart are the API's across-seed means.
    const stats = await api<{ cycles: { cycle: number; metrics: Record<string, { mean: number; ci: [number, number] }> }[] }>(`/api/groups/${GROUP}/stats`);
    const cells = await page.locator('[data-testid=group-table-meanAccuracy] tbody tr').evaluateAll((rows) =>
      rows.map((r) => Array.from((r as unknown as { cells: ArrayLike<{ textContent: string }> }).cells, (c) => c.textContent)));
    assert.deepEqual(cells.map((c) => c[2]), stats.cycles.map((r) => r.metrics.meanAccuracy!.mean.toFixed(4)));
    await shot('dashboard-group.png');
  });

  it('the group slider asks for ?asOfCycle=: the point where every run has completed the cycle, drawn as the API reports it', async () => {
    // replicate runs the seeds one after another: when the last run completes cycle 1, the first two have finished.
    const atOne = await api<{ position: number; cycles: { cycle: number; metrics: Record<string, { n: number; mean: number }> }[] }>(`/api/groups/${GROUP}/stats?asOfCycle=1`);
    const runsPerCycle = atOne.cycles.map((r) => String(r.metrics.validRate!.n));
    assert.ok(atOne.cycles.some((r) => r.metrics.validRate!.n < SEEDS.length), 'at cycle 1 the last run has not reached every cycle');
    await page.locator('[data-testid=group-slider]').fill('1');
    await page.locator(`[data-testid=group-asof-label][data-position="${atOne.position}"]`).waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('[data-testid=group-asof-label]').getAttribute('data-asof-cycle'), '1');
    const column = (metric: string, i: number) => page.locator(`[data-testid=group-table-${metric}] tbody tr`).evaluateAll((rows, k) =>
      rows.map((r) => (r as unknown as { cells: ArrayLike<{ textContent: string }> }).cells[k]!.textContent), i);
    assert.deepEqual(await column('validRate', 4), runsPerCycle);
    assert.deepEqual(await column('meanAccuracy', 2), atOne.cycles.map((r) => r.metrics.meanAccuracy!.mean.toFixed(4)));
    const atHead = await api<{ position: number }>(`/api/groups/${GROUP}/stats`);
    await page.locator('[data-testid=group-slider]').fill(String(CYCLES));
    await page.locator(`[data-testid=group-asof-label][data-asof-cycle=head][data-position="${atHead.position}"]`).waitFor({ timeout: 15_000 });
    assert.deepEqual(await column('validRate', 4), atOne.cycles.map(() => String(SEEDS.length)));
  });

  it('the study view of the studied run draws one point per pair and the numbers the API reports', async () => {
    const exp = runs[0]!.experimentId;
    await page.locator(`[data-testid=experiment-item][data-experiment-id="${exp}"]`).click();
    await page.locator('[data-testid=study-body][data-study-id]').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('[data-testid=group-view]:visible').count(), 0, 'the group page is hidden');
    const { report } = await api<{ report: { n: number; snr: number; pearson: { coefficient: number }; spearman: { coefficient: number };
      kendall: { coefficient: number; pValue: number }; predictedSpearman: number; bonferroni: { survives: boolean } } }>(`/api/studies/${STUDY}`);
    assert.equal(report.n, FULL.length);
    assert.equal(await page.locator('[data-testid=chart-study-scatter] g.nl-pair circle').count(), FULL.length);
    const text = async (key: string) => page.locator(`[data-testid=study-${key}]`).textContent();
    assert.equal(await text('n'), String(FULL.length));
    assert.equal(await text('snr'), report.snr.toFixed(3));
    assert.equal(await text('pearson'), report.pearson.coefficient.toFixed(3));
    assert.equal(await text('spearman'), report.spearman.coefficient.toFixed(3));
    assert.equal(await text('kendall'), report.kendall.coefficient.toFixed(3));
    assert.equal(await text('predicted'), report.predictedSpearman.toFixed(3));
    assert.equal(await text('bonferroni'), report.bonferroni.survives ? 'survives' : 'does not survive');
    assert.match((await page.locator('[data-testid=study-numbers] tr[data-key=kendall]').textContent()) ?? '', /p = \d/);
    await page.locator('[data-testid=study-view]').screenshot({ path: join(SCREENSHOT_DIR, 'dashboard-study.png') });
  });

  it('the experiment slider passes its position to the study: before the study started it says so', async () => {
    await page.locator('[data-testid=asof-slider]').fill('1');
    await page.locator('[data-testid=study-not-yet]').waitFor({ timeout: 15_000 });
    const position = await page.locator('[data-testid=asof-label]').getAttribute('data-position');
    assert.equal(await page.locator('[data-testid=study-body]').getAttribute('data-position'), position);
    const refused = await getJson(new URL(`/api/studies/${STUDY}?asOfPosition=${position}`, served.url).toString());
    assert.equal(refused.status, 404);
    await page.locator('[data-testid=asof-slider]').fill(String(CYCLES));
    await page.locator('[data-testid=chart-study-scatter]').waitFor({ timeout: 15_000 });
  });

  it("says in the experiment list how many of a run's candidates were reviewed and reproduced, as /api/experiments counts them", async () => {
    const listed = await api<{ experiments: { experimentId: string; reviews: { reviewed: number; reproduced: number } }[] }>('/api/experiments');
    const reviews = listed.experiments.find((e) => e.experimentId === runs[1]!.experimentId)!.reviews;
    assert.deepEqual([reviews.reviewed, reviews.reproduced], [3, 2]);
    const item = page.locator(`[data-testid=experiment-item][data-experiment-id="${runs[1]!.experimentId}"]`);
    assert.match((await item.textContent()) ?? '', /· 3 reviewed, 2 reproduced/);
    const unreviewed = page.locator(`[data-testid=experiment-item][data-experiment-id="${runs[2]!.experimentId}"]`);
    assert.doesNotMatch((await unreviewed.textContent()) ?? '', /reviewed/);
  });

  it('raised no page errors (CSP violations included)', () => {
    assert.deepEqual(pageErrors, []);
  });
});
