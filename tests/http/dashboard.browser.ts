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
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Where the screenshot goes; `DASHBOARD_SCREENSHOT=docs/dashboard.png` refreshes the one in the docs. */
const SCREENSHOT = process.env.DASHBOARD_SCREENSHOT ?? join(tmpdir(), 'nas-ledger-dashboard.png');
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
    const EXP = history.experimentId;

    const attr = (selector: string, name: string) => page.locator(selector).first().getAttribute(name);
    // Locators, not waitForFunction: the page's CSP forbids evaluating strings, and the DOM lib is not in this build.
    const waitFor = (selector: string, hasText?: string) => page.locator(selector, hasText ? { hasText } : {}).first().waitFor({ state: 'attached', timeout: 15_000 });
    const points = (n: number | string) => waitFor(`[data-testid=series-validRate][data-points="${n}"]`);

    before(async () => {
      assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: run scripts/setup-system.sh (it installs the chromium package) or set CHROMIUM_PATH`);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
      page.on('request', (request) => requests.push(request.url()));
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
      assert.deepEqual(pageErrors, [], 'no script errors or failed requests in the page');
    });
  });
}
