/**
 * Issue 15: "a running experiment's charts and tables grow while you watch". A real HTTP server over a real embedded
 * store while the ledger is appended cycle by cycle (the events a loop writes, from the fixture, paced so a cycle
 * lands every ~0.8 s); a real Chromium opens the page once and, without reloading, sees the cycles grow as the
 * server pushes each new head over GET /api/live (server-sent events).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { NewEvent } from '../../domain/shared/event-envelope';
import type { EventStore } from '../../src/ledger/event-store.port';
import { openEventStore } from '../../src/ledger/open-event-store';
import { startHttpServer, type RunningHttpServer } from '../../src/http/http-server';
import { buildExperimentHistory, prefixThroughCycle, toNewEvents } from '../support/ledger-fixtures';
import { CHROMIUM, CHROMIUM_ARGS, SCREENSHOT_DIR } from './dashboard.browser';

const CYCLES = 8;
const history = buildExperimentHistory({ cycles: CYCLES, candidatesPerCycle: 6, seed: 47, experimentId: 'live' });
const all = toNewEvents(history);
const endOfCycle = (cycle: number): number => prefixThroughCycle(history, cycle).events.length;

/** Appends events [from, to) of the history, batching each stream's consecutive events at its exact expected version. */
async function appendRange(store: EventStore, versions: Map<string, number>, from: number, to: number): Promise<void> {
  let i = from;
  while (i < to) {
    const streamId = all[i]!.streamId;
    const batch: NewEvent[] = [];
    while (i < to && all[i]!.streamId === streamId) batch.push(all[i++]!.event);
    const current = versions.get(streamId);
    await store.append(streamId, batch, current === undefined ? 'no_stream' : current);
    versions.set(streamId, (current ?? -1) + batch.length);
  }
}

describe('dashboard live view while the ledger grows (server-sent events, real Chromium)', () => {
  const root = mkdtempSync(join(tmpdir(), 'nas-ledger-live-'));
  const versions = new Map<string, number>();
  let store: EventStore;
  let server: RunningHttpServer;
  let browser: Browser;
  let page: Page;
  let writing: Promise<void> = Promise.resolve();
  let stopWriting = false;
  const documents: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    store = await openEventStore(join(root, 'ledger'));
    await appendRange(store, versions, 0, endOfCycle(1));
    server = await startHttpServer(store, { port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => { if (request.resourceType() === 'document') documents.push(request.url()); });
    await page.goto(server.url);
    await page.locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: 30_000 });
    // The "run": one cycle's events about every 0.8 s, in the loop's order, while the page is open.
    writing = (async () => {
      for (let cycle = 2; cycle <= CYCLES && !stopWriting; cycle++) {
        await new Promise((resolve) => setTimeout(resolve, 800));
        await appendRange(store, versions, endOfCycle(cycle - 1), cycle === CYCLES ? all.length : endOfCycle(cycle)); // the last with ExperimentCompleted
      }
    })();
  });

  after(async () => {
    stopWriting = true;
    await writing.catch(() => undefined);
    await browser?.close();
    await server?.close();
    await store?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const drawnCycles = async (): Promise<number> => Number(await page.locator('[data-testid=series-validRate]').getAttribute('data-points') ?? 0);

  it('the charts, the candidate table and the graph grow as the run appends cycles, with no reload', async () => {
    await page.locator('body[data-live=live]').waitFor({ state: 'attached', timeout: 15_000 });
    await page.locator('[data-testid=series-validRate]').waitFor({ state: 'attached', timeout: 30_000 });
    const first = await drawnCycles();
    const firstHead = await page.locator('[data-testid=head]').textContent();
    // Watch without touching the page: the number of cycles drawn must rise in steps as the writer appends.
    const seen = [first];
    const deadline = Date.now() + 60_000;
    while (seen[seen.length - 1]! < CYCLES && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = await drawnCycles();
      if (now !== seen[seen.length - 1]) seen.push(now);
    }
    assert.equal(seen[seen.length - 1], CYCLES, `all ${CYCLES} cycles drawn in the end (seen ${seen.join(' → ')})`);
    assert.ok(seen.length >= 3, `the charts grew in steps while watched, not once at the end (seen ${seen.join(' → ')})`);
    assert.deepEqual(seen.slice().sort((a, b) => a - b), seen, 'never shrank');
    assert.notEqual(await page.locator('[data-testid=head]').textContent(), firstHead, 'the header follows the head');
    const slider = page.locator('[data-testid=asof-slider]');
    assert.equal(await slider.inputValue(), await slider.getAttribute('max'), 'the slider stays at the latest point');
    assert.ok(Number(await page.locator('[data-testid=lineage-graph]').getAttribute('data-cycles')) === CYCLES, 'the graph grew too');
    assert.ok(Number(await page.locator('[data-testid=chart-accuracy-distribution]').getAttribute('data-max-cycle')) === CYCLES);
    // Once the run has ended, its last point says so (not "running" while nothing more will come).
    await page.locator('[data-testid=experiment-status][data-status=completed]').waitFor({ state: 'attached', timeout: 15_000 });
    assert.match(await page.locator('[data-testid=experiment-status]').textContent() ?? '', new RegExp(`^completed · ${CYCLES} of ${CYCLES} cycles done · `));
    assert.equal(documents.length, 1, 'one page load: the growth came over the event stream');
    assert.deepEqual(pageErrors, []);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard-live.png') });
  });

  it('GET /api/live sends the head at once as a server-sent event', async () => {
    const url = new URL('/api/live', server.url);
    const controller = new AbortController();
    const res = await fetch(url, { signal: controller.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = res.body!.getReader();
    const { value } = (await reader.read()) as { value: Uint8Array };
    controller.abort();
    assert.match(new TextDecoder().decode(value), /^\n?event: head\n(?:id: .*\n)?data: \{"head":\d+,"experiments":null\}\n\n/);
  });
});
