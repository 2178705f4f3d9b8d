/**
 * Issue 15, "the live view grows while a sim run is going": a real `nas-ledger run --generator sim --serve 0` in its own
 * process (the dashboard served by the running process itself), sim evaluations slowed so the run lasts a while, and a
 * real Chromium that opens the page once and watches the charts grow over server-sent events, with no reload.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { spawnCli } from '../support/cli-child';
import { CHROMIUM, CHROMIUM_ARGS } from './dashboard.browser';

const CYCLES = 12;

/** Resolves with the dashboard URL the run prints on stderr (`dashboard: http://…/`). */
function dashboardUrl(child: ChildProcessWithoutNullStreams, output: { text: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no dashboard URL within 60 s:\n${output.text}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output.text += chunk.toString();
      const url = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output.text)?.[1];
      if (url) { clearTimeout(timer); resolve(url); }
    };
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`run exited ${String(code)} before serving:\n${output.text}`)); });
  });
}

describe('dashboard live view of a running sim experiment (run --serve, real Chromium)', () => {
  const root = mkdtempSync(join(tmpdir(), 'nas-ledger-live-run-'));
  const output = { text: '' };
  let run: ChildProcessWithoutNullStreams;
  let browser: Browser;
  let page: Page;
  let url = '';
  const documents: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    run = spawnCli(['run', '--generator', 'sim', '--cycles', String(CYCLES), '--candidates', '4', '--store', join(root, 'ledger'), '--serve', '0'],
      { NAS_SIM_EVAL_DELAY_MS: '250' });
    url = await dashboardUrl(run, output);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => { if (request.resourceType() === 'document') documents.push(request.url()); });
    await page.goto(url);
    await page.locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: 30_000 });
  });

  after(async () => {
    await browser?.close();
    if (run && run.exitCode === null) run.kill('SIGINT');
    rmSync(root, { recursive: true, force: true });
  });

  it('the charts grow cycle by cycle while the run appends them, with one page load', async () => {
    await page.locator('[data-testid=experiment-item]').first().click();
    await page.locator('[data-testid=series-validRate]').waitFor({ state: 'attached', timeout: 30_000 });
    const drawn = async (): Promise<number> => Number(await page.locator('[data-testid=series-validRate]').getAttribute('data-points') ?? 0);
    const seen = [await drawn()];
    const deadline = Date.now() + 240_000;
    while (seen[seen.length - 1]! < CYCLES && Date.now() < deadline && run.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      const now = await drawn();
      if (now !== seen[seen.length - 1]) seen.push(now);
    }
    assert.ok(seen[0]! < CYCLES, `the page opened before the run ended (first saw ${seen[0]} cycles)`);
    assert.ok(seen.length >= 3, `the charts grew in steps while the run went on (seen ${seen.join(' → ')}):\n${output.text.slice(-2000)}`);
    assert.deepEqual(seen.slice().sort((a, b) => a - b), seen, 'never shrank');
    assert.equal(documents.length, 1, 'one page load: the growth came over the event stream');
    assert.deepEqual(pageErrors, []);
  });
});
