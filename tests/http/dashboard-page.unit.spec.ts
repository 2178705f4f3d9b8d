import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Script } from 'node:vm';
import { DASHBOARD_CSP, dashboardHtml } from '../../src/http/page/dashboard.html';
import { DASHBOARD_SCRIPT } from '../../src/http/page/dashboard-script';

const inline = (tag: string, html: string): string => {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html);
  assert.ok(match, `no <${tag}> in the page`);
  return match[1]!;
};
const hashOf = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('dashboard page', () => {
  const html = dashboardHtml();

  it('its script parses as JavaScript', () => {
    assert.doesNotThrow(() => new Script(DASHBOARD_SCRIPT)); // compiles, never runs
  });

  it('the CSP pins exactly the inline script and style the page carries, and allows nothing from elsewhere', () => {
    assert.ok(DASHBOARD_CSP.includes(`script-src ${hashOf(inline('script', html))};`));
    assert.ok(DASHBOARD_CSP.includes(`style-src ${hashOf(inline('style', html))};`));
    assert.match(DASHBOARD_CSP, /default-src 'none'/);
    assert.doesNotMatch(DASHBOARD_CSP, /unsafe-inline|unsafe-eval|\*/);
  });

  it('loads nothing from the network: no external script, stylesheet, font or image', () => {
    assert.doesNotMatch(html, /<script[^>]*\ssrc=|<link[^>]+rel="stylesheet"|@import|url\(http/);
    assert.doesNotMatch(DASHBOARD_SCRIPT, /fetch\(['"]https?:/);
  });

  it('names every control for assistive technology and for the tests', () => {
    for (const id of ['experiment-list', 'asof-slider', 'asof-label', 'charts', 'candidate-cycle', 'candidates-table', 'provenance-panel', 'error']) {
      assert.match(html, new RegExp(`data-testid="${id}"`), id);
    }
    assert.match(html, /<label for="asof-slider">/);
    assert.match(html, /<label for="cand-cycle">/);
    assert.match(html, /role="alert"/);
  });
});
