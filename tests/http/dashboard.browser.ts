import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cycleStatisticsProjection } from '../../projections/cycle-statistics/evolve';
import { cycleStatsRows } from '../../projections/cycle-statistics/query';
import { foldEvents } from '../../projections/shared/projection';
import { prefixThroughCycle, toRecordedEvents, type ExperimentHistory } from '../support/ledger-fixtures';
import type { ServedLedger } from './serve-fixture';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Where the screenshot goes; `DASHBOARD_SCREENSHOT=docs/dashboard.png` refreshes the one in the docs. */
const SCREENSHOT = process.env.DASHBOARD_SCREENSHOT ?? join(tmpdir(), 'nas-ledger-dashboard.png');
/** Where the feature screenshots go; `DASHBOARD_SCREENSHOT_DIR=docs/img` refreshes the ones in the README. */
export const SCREENSHOT_DIR = process.env.DASHBOARD_SCREENSHOT_DIR ?? join(tmpdir(), 'nas-ledger-dashboard');

const CHART_IDS = ['valid-rate', 'accuracy', 'elite-concentration', 'diversity-novelty', 'corpus-size'];

interface Fixtures {
  readonly history: ExperimentHistory;
  readonly running: ExperimentHistory;
  readonly cycles: number;
}

/** Drawn coordinates of a series path: one M or L per point. */
function pathPoints(d: string | null): number {
  return (d ?? '').match(/[ML]/g)?.length ?? 0;
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

/** The dashboard in a real Chromium, against the server the spec started (the page and the API it calls). */
export function describeDashboard(server: () => ServedLedger, { history, running, cycles }: Fixtures): void {
  describe('dashboard in a real browser (Chromium via playwright-core)', () => {
    let browser: Browser;
    let page: Page;
    const pageErrors: string[] = [];
    const requests: string[] = [];
    /** Answers of 400 and above, with their URL: Chromium's console line for one does not name it. */
    const failedResponses: string[] = [];
    const EXP = history.experimentId;

    const attr = (selector: string, name: string) => page.locator(selector).first().getAttribute(name);
    // Locators, not waitForFunction: the page's CSP forbids evaluating strings, and the DOM lib is not in this build.
    const waitFor = (selector: string, hasText?: string) => page.locator(selector, hasText ? { hasText } : {}).first().waitFor({ state: 'attached', timeout: 15_000 });
    const points = (n: number | string) => waitFor(`[data-testid=series-validRate][data-points="${n}"]`);
    const shot = async (name: string, part?: { screenshot(options: { path: string }): Promise<unknown> }) => {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await (part ?? page).screenshot({ path: join(SCREENSHOT_DIR, name) });
    };

    before(async () => {
      assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: run scripts/setup-system.sh (it installs the chromium package) or set CHROMIUM_PATH`);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
      page.on('request', (request) => requests.push(request.url()));
      page.on('response', (response) => { if (response.status() >= 400) failedResponses.push(`${response.status()} ${response.url()}`); });
      await page.goto(server().url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    });

    after(async () => {
      await browser?.close();
    });

    it('lists the experiments and opens the first', async () => {
      const ids = await page.locator('[data-testid=experiment-item]').evaluateAll(
        (items) => items.map((item) => (item as unknown as { dataset: Record<string, string> }).dataset.experimentId));
      assert.deepEqual(ids, [EXP, running.experimentId]);
      assert.equal(await attr(`[data-experiment-id="${EXP}"]`, 'aria-current'), 'true');
      assert.equal(await page.locator('[data-testid=experiment-title]').textContent(), EXP);
      assert.equal(await attr('[data-testid=asof-label]', 'data-asof-cycle'), String(cycles));
    });

    it('draws the five charts with one point per cycle, the values being the projection\'s', async () => {
      for (const id of CHART_IDS) assert.equal(await page.locator(`[data-testid=chart-${id}] svg path.series`).count() > 0, true, id);
      for (const key of ['validRate', 'meanAccuracy', 'bestAccuracy', 'eliteConcentration', 'novelty', 'corpusSize']) {
        assert.equal(await attr(`[data-testid=series-${key}]`, 'data-points'), String(cycles), key);
        assert.equal(pathPoints(await attr(`[data-testid=series-${key}]`, 'd')), cycles, key);
      }
      assert.ok(pathPoints(await attr('[data-testid=band-validRateCI]', 'd')) >= 2 * cycles, 'the Wilson band spans every cycle');
      assert.equal(await page.locator('[data-testid=table-corpus-size] tbody tr').count(), cycles, 'the numbers behind each chart');
      assert.ok(pathPoints(await attr('[data-testid=band-meanAccuracyCI]', 'd')) >= 2, 'the t band is drawn');
      const expected = cycleStatsRows(foldEvents(cycleStatisticsProjection, toRecordedEvents(history)), EXP)!;
      const tooltip = await page.locator('[data-testid=chart-valid-rate] circle[data-cycle="1"] title').textContent();
      assert.match(tooltip ?? '', new RegExp(`valid / generated: ${pct(expected[0]!.validRate!).replace('.', '\\.')}`));
      await waitFor(`[data-testid=chart-accuracy-distribution][data-max-cycle="${cycles}"]`);
      await shot('dashboard-distributions.png', page.locator('[data-testid=distributions]'));
    });

    it('the as-of slider travels in time: at cycle 2 the charts hold two points, fetched with ?asOfCycle=2', async () => {
      const slider = page.locator('[data-testid=asof-slider]');
      await slider.focus();
      await page.keyboard.press('Home');
      await points(1);
      await page.keyboard.press('ArrowRight');
      await points(2);
      assert.equal(await attr('[data-testid=asof-label]', 'data-asof-cycle'), '2');
      const position = prefixThroughCycle(history, 2).events.length;
      await waitFor('[data-testid=asof-label]', `position ${position} of`);
      assert.match(await page.locator('[data-testid=asof-label]').textContent() ?? '', new RegExp(`end of cycle 2 of ${cycles}`));
      assert.equal(pathPoints(await attr('[data-testid=series-corpusSize]', 'd')), 2);
      assert.ok(requests.some((url) => url.includes(`/api/experiments/${EXP}/stats?asOfCycle=2`)), 'the slider re-queried the API');
      assert.equal(await page.locator('[data-testid=candidate-cycle] option').count(), 2, 'only cycles that exist at that point');
      assert.equal(await page.locator('[data-testid=table-corpus-size] tbody tr').count(), 2);
      assert.match(page.url(), new RegExp(`#experiment=${EXP}&asOfCycle=2$`), 'the address names the as-of point');
      // Every other chart is cut at the same point: the distributions hold cycles 1-2 only, the graph two cycle nodes.
      const evaluatedThrough2 = history.events.filter((e) => e.event.type === 'CandidateEvaluated' && e.event.data.cycle <= 2).length;
      await waitFor(`[data-testid=chart-accuracy-distribution][data-points="${evaluatedThrough2}"]`);
      assert.equal(await attr('[data-testid=chart-accuracy-distribution]', 'data-max-cycle'), '2');
      assert.equal(await page.locator('[data-testid=chart-accuracy-distribution] svg g[aria-label=dot] circle').count(), evaluatedThrough2);
      const rejectedThrough2 = history.events.filter((e) => e.event.type === 'CandidateRejected' && e.event.data.cycle <= 2).length;
      assert.equal(await attr('[data-testid=chart-rejections]', 'data-points'), String(rejectedThrough2));
      assert.ok(Number(await attr('[data-testid=chart-rejections]', 'data-max-cycle')) <= 2);
      await waitFor('[data-testid=lineage-graph][data-cycles="2"]');
      // The header tells the state at that point, not at the head: cycle 2 of a finished 6-cycle run was still running.
      await waitFor('[data-testid=experiment-status][data-status=running]');
      assert.match(await page.locator('[data-testid=experiment-status]').textContent() ?? '', new RegExp(`running · 2 of ${cycles} cycles done as of cycle 2 \\(at the head: completed`));
      await page.keyboard.press('End');
      await points(cycles);
    });

    it('clicking an admitted candidate shows its provenance chain', async () => {
      const admitted = history.events.find((e) => e.event.type === 'CandidateAdmitted' && e.event.data.cycle === 3)!;
      const id = (admitted.event.data as { candidateId: string }).candidateId;
      await page.locator('[data-testid=candidate-cycle]').selectOption('3');
      const row = page.locator(`[data-testid=candidate-row][data-candidate-id="${id}"]`);
      await row.waitFor({ timeout: 15_000 });
      assert.equal(await row.getAttribute('data-status'), 'admitted');
      assert.equal(await page.locator('[data-testid=candidate-row]').count(), history.config.candidatesPerCycle);
      await row.locator('[data-testid=candidate-link]').click();
      await page.locator('[data-testid=provenance-title]', { hasText: id }).waitFor({ timeout: 15_000 });
      assert.equal(await page.locator('[data-testid=provenance-status]').textContent(), 'admitted');
      const ownEvents = history.events.filter((e) => e.streamId === admitted.streamId).map((e) => e.event.type);
      const listed = await page.locator('[data-testid=provenance-events] li').allTextContents();
      assert.deepEqual(listed.map((text) => /^#\d+ (\w+)/.exec(text)?.[1]), ownEvents);
      assert.deepEqual(await page.locator('[data-testid=provenance-chain] > li').evaluateAll(
        (items: { getAttribute(name: string): string | null }[]) => items.map((item) => item.getAttribute('data-step'))), ['fine-tuned', 'fine-tuned', 'initial']);
      await page.evaluate('window.scrollTo(0, 0)');
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    });

    it('the candidate panel opens its highlighted code and a diff against its nearest corpus neighbour', async () => {
      const code = page.locator('[data-testid=provenance-panel] [data-testid=code-view]');
      await code.waitFor({ timeout: 15_000 });
      assert.ok(await code.locator('.hljs-keyword').count() > 0, 'highlight.js marked the Python keywords');
      assert.match(await code.textContent() ?? '', /class \w+\(nn\.Module\)|def forward/);
      await page.locator('[data-testid=show-diff-nearest]').click();
      const diff = page.locator('[data-testid=diff-view]');
      await diff.waitFor({ timeout: 15_000 });
      assert.match(await diff.getAttribute('data-from') ?? '', /^seed:/, 'the fixture\'s nearest training entries are seed programs');
      assert.ok(await diff.locator('.d2h-file-wrapper').count() === 1, 'diff2html drew the file diff');
      assert.ok(await diff.locator('.d2h-ins, .d2h-del').count() > 0, 'with inserted or deleted lines');
      assert.match(await page.locator('[data-testid=diff-summary]').textContent() ?? '', /Against its nearest corpus neighbour seed:\S+ \(Jaccard 0\.\d{3}\): \+\d+ −\d+ lines/);
      await page.locator('[data-testid=provenance-panel]').scrollIntoViewIfNeeded();
      await shot('dashboard-code-diff.png');
      await page.locator('[data-testid=show-code]').click();
      await code.waitFor({ timeout: 15_000 });
    });

    it('a rejected candidate says why: the stage, what it checks and the recorded message', async () => {
      const rejected = history.events.find((e) => e.event.type === 'CandidateRejected' && e.event.data.cycle === 3)!;
      const data = rejected.event.data as { candidateId: string; stage: string; reason: string };
      const row = page.locator(`[data-testid=candidate-row][data-candidate-id="${data.candidateId}"]`);
      assert.equal(await row.getAttribute('data-status'), 'rejected');
      await row.locator('[data-testid=candidate-link]').click();
      await page.locator('[data-testid=provenance-title]', { hasText: data.candidateId }).waitFor({ timeout: 15_000 });
      const why = page.locator('[data-testid=why-not]');
      await why.waitFor({ timeout: 15_000 });
      assert.match(await why.textContent() ?? '', new RegExp(`^Rejected at the ${data.stage} stage \\(.+\\): ${data.reason}$`));
      const notAdmitted = page.locator('[data-testid=candidate-row][data-status=not_admitted] [data-testid=candidate-why]');
      if (await notAdmitted.count() > 0) assert.match(await notAdmitted.first().textContent() ?? '', /below threshold|near duplicate|structural duplicate/);
      await shot('dashboard-why-not.png');
    });

    it('the provenance graph renders the loop and a click on a cycle node opens its candidates', async () => {
      const graph = page.locator('[data-testid=lineage-graph]');
      await graph.locator('canvas').first().waitFor({ timeout: 15_000 });
      assert.equal(await graph.getAttribute('data-cycles'), String(cycles));
      const admittedCount = history.events.filter((e) => e.event.type === 'CandidateAdmitted').length;
      assert.equal(await graph.getAttribute('data-admitted'), String(admittedCount));
      const kinds = await graph.locator('[data-testid=graph-nodes] button').evaluateAll(
        (items: { getAttribute(name: string): string | null }[]) => items.map((item) => item.getAttribute('data-kind')));
      for (const kind of ['seed', 'generator', 'finetune', 'cycle', 'admitted']) assert.ok(kinds.includes(kind), `a ${kind} node`);
      const target = graph.locator('[data-testid=graph-nodes] button[data-node-id="cycle:2"]');
      const canvas = graph.locator('[data-testid=lineage-canvas]');
      await canvas.scrollIntoViewIfNeeded();
      const box = (await canvas.boundingBox())!;
      await page.mouse.click(box.x + Number(await target.getAttribute('data-x')), box.y + Number(await target.getAttribute('data-y')));
      await waitFor('[data-testid=lineage-graph][data-selected="cycle:2"]');
      assert.equal(await page.locator('[data-testid=candidate-cycle]').inputValue(), '2', 'the table shows cycle 2');
      await shot('dashboard-graph.png', graph);
    });

    it('two experiments overlay their trajectories in the compare view', async () => {
      const picks = page.locator('[data-testid=compare-pick]');
      assert.equal(await picks.count(), 2);
      for (const pick of await picks.all()) if (!(await pick.isChecked())) await pick.check();
      await waitFor('[data-testid=chart-compare][data-series="2"]');
      assert.equal(await page.locator('[data-testid=chart-compare] svg g[aria-label=line] path').count(), 2, 'one line per experiment');
      const pointsShown = Number(await attr('[data-testid=chart-compare]', 'data-points'));
      assert.ok(pointsShown >= cycles + 2, `both experiments' cycles are drawn (${pointsShown})`);
      await page.locator('[data-testid=compare-metric]').selectOption('validRate');
      await waitFor('[data-testid=chart-compare] figcaption', 'valid rate');
      await shot('dashboard-compare.png', page.locator('[data-testid=compare]'));
    });

    it('a closed candidate panel reopened when the slider moved', async () => {
      const panel = page.locator('[data-testid=provenance-panel]');
      await page.locator('[data-testid=candidate-link]').first().click();
      await page.locator('[data-testid=provenance-title]').waitFor({ timeout: 15_000 });
      await panel.getByRole('button', { name: 'close', exact: true }).click();
      assert.equal(await panel.isHidden(), true);
      const slider = page.locator('[data-testid=asof-slider]');
      await slider.focus();
      await page.keyboard.press('ArrowLeft');
      await points(cycles - 1);
      await page.keyboard.press('End');
      await points(cycles);
      await waitFor(`[data-testid=asof-label][data-asof-cycle="${cycles}"]`);
      assert.equal(await panel.isHidden(), true, 'the panel stays closed');
    });

    it('switching experiments with the candidate panel open asked for that candidate under the other experiment', async () => {
      const panel = page.locator('[data-testid=provenance-panel]');
      await page.locator('[data-testid=candidate-link]').first().click();
      await page.locator('[data-testid=provenance-title]').waitFor({ timeout: 15_000 });
      const before = failedResponses.length;
      await page.locator(`[data-testid=experiment-item][data-experiment-id="${running.experimentId}"]`).click();
      await waitFor('[data-testid=asof-label][data-asof-cycle=head]');
      await points(3);
      assert.equal(await panel.isHidden(), true, 'the panel of the other experiment\'s candidate is closed');
      await page.locator(`[data-testid=experiment-item][data-experiment-id="${EXP}"]`).click();
      await points(cycles);
      assert.deepEqual(failedResponses.slice(before), [], 'no request failed');
    });

    it('an address with an as-of cycle opens at that point', async () => {
      const other = await browser.newPage();
      try {
        await other.goto(`${server().url}#experiment=${EXP}&asOfCycle=3`);
        await other.locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: 20_000 });
        assert.equal(await other.locator('[data-testid=asof-label]').getAttribute('data-asof-cycle'), '3');
        assert.equal(await other.locator('[data-testid=series-validRate]').getAttribute('data-points'), '3');
      } finally {
        await other.close();
      }
    });

    it('a running experiment ends its slider at the head, with the open cycle drawn', async () => {
      await page.locator(`[data-testid=experiment-item][data-experiment-id="${running.experimentId}"]`).click();
      await waitFor('[data-testid=asof-label][data-asof-cycle=head]');
      assert.match(await page.locator('[data-testid=asof-label]').textContent() ?? '', /head \(cycle 3 running\)/);
      await points(3);
      assert.equal(await page.locator('[data-testid=asof-slider]').getAttribute('max'), '3');
      assert.deepEqual(pageErrors, [], `no script errors or failed requests in the page (failed: ${failedResponses.join(', ') || 'none'})`);
      const origin = new URL(server().url).origin;
      assert.deepEqual(requests.filter((url) => !url.startsWith(origin) && !url.startsWith('data:')), [], 'nothing loaded from elsewhere');
      assert.ok(requests.some((url) => url.endsWith('/api/live')), 'the page follows the server\'s event stream');
    });
  });
}
