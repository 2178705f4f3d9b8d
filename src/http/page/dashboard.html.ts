import { createHash } from 'node:crypto';
import { DASHBOARD_SCRIPT, VENDOR_STYLE } from './dashboard-script';
import { DASHBOARD_STYLE as OWN_STYLE } from './dashboard-style';

/** The page's one stylesheet: the libraries' rules first, ours after (so ours win at equal specificity). */
export const DASHBOARD_STYLE = `${VENDOR_STYLE}\n${OWN_STYLE}`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The page may run its own inline script and style (pinned by hash) and talk to this server only: nothing else
 * loads, which is also what "works without internet" needs.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'", `script-src ${sha256(DASHBOARD_SCRIPT)}`, `style-src ${sha256(DASHBOARD_STYLE)}`,
  "connect-src 'self'", 'img-src data:', "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

/** The whole dashboard as one HTML document; data-testid attributes are what the browser tests hold on to. */
export function dashboardHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nas-ledger</title>
<link rel="icon" href="data:,">
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
<header>
  <h1>nas-ledger</h1>
  <span class="head" id="head" data-testid="head">loading…</span>
</header>
<div class="layout">
  <nav aria-labelledby="exp-heading">
    <h2 id="exp-heading">Experiments</h2>
    <ul id="experiments" data-testid="experiment-list" aria-busy="true"></ul>
    <p id="no-experiments" class="muted" hidden>No experiments in this ledger yet. Start one with <code>nas-ledger run</code>.</p>
    <h2 id="group-heading" class="nav-sub">Groups</h2>
    <ul id="groups" data-testid="group-list" aria-labelledby="group-heading"></ul>
    <p id="no-groups" class="muted" hidden>No multi-seed groups. Record one with <code>nas-ledger replicate --seeds 1,2,3</code>.</p>
  </nav>
  <main>
    <div id="error" role="alert" data-testid="error" hidden></div>
    <section id="overview" aria-labelledby="exp-title" hidden>
      <div class="title-row">
        <h2 id="exp-title" data-testid="experiment-title"></h2>
        <span id="exp-meta" class="muted" data-testid="experiment-status"></span>
      </div>
      <div class="timetravel">
        <label for="asof-slider">As of cycle</label>
        <input id="asof-slider" type="range" min="1" max="1" step="1" value="1" data-testid="asof-slider" aria-describedby="asof-label">
        <output id="asof-label" for="asof-slider" class="asof" data-testid="asof-label" aria-live="polite"></output>
      </div>
    </section>
    <div id="charts" class="charts" data-testid="charts" hidden></div>
    <section id="insights" aria-label="Distributions and provenance graph" hidden>
      <div id="distributions" class="charts" data-testid="distributions"></div>
      <figure id="lineage" class="lineage" data-testid="lineage-graph"></figure>
    </section>
    <section id="candidates" aria-labelledby="cands-title" hidden>
      <div class="cands-head">
        <h2 id="cands-title">Candidates</h2>
        <label for="cand-cycle">Cycle</label>
        <select id="cand-cycle" data-testid="candidate-cycle"></select>
        <span id="cand-summary" class="muted" data-testid="candidate-summary"></span>
      </div>
      <div class="table-wrap">
        <table data-testid="candidates-table">
          <caption class="sr-only">Candidates of the selected cycle; choose a candidate id to see its provenance</caption>
          <thead><tr>
            <th scope="col">Candidate</th><th scope="col" class="num">#</th><th scope="col">Status</th><th scope="col">Why not</th>
            <th scope="col" class="num">Accuracy</th><th scope="col" class="num">J_train</th><th scope="col">Architecture</th>
          </tr></thead>
          <tbody id="cand-body"></tbody>
        </table>
      </div>
    </section>
    <section id="studies" aria-labelledby="studies-title" data-testid="study-view" hidden>
      <div class="cands-head">
        <h2 id="studies-title">Proxy study</h2>
        <label for="study-select">Study</label>
        <select id="study-select" data-testid="study-select"></select>
        <span id="study-meta" class="muted" data-testid="study-meta"></span>
      </div>
      <div id="study-body" class="study" data-testid="study-body"></div>
    </section>
    <section id="group" aria-labelledby="group-title" data-testid="group-view" hidden>
      <div class="title-row">
        <h2 id="group-title" data-testid="group-title"></h2>
        <span id="group-meta" class="muted" data-testid="group-meta"></span>
      </div>
      <div class="timetravel">
        <label for="group-slider">As of cycle</label>
        <input id="group-slider" type="range" min="1" max="1" step="1" value="1" data-testid="group-slider" aria-describedby="group-asof-label">
        <output id="group-asof-label" for="group-slider" class="asof" data-testid="group-asof-label" aria-live="polite"></output>
      </div>
      <div id="group-charts" class="charts" data-testid="group-charts"></div>
    </section>
    <aside id="provenance" aria-labelledby="prov-title" data-testid="provenance-panel" hidden></aside>
    <section id="compare" aria-labelledby="compare-title" data-testid="compare">
      <div class="cands-head">
        <h2 id="compare-title">Compare experiments</h2>
        <label for="compare-metric">Statistic</label>
        <select id="compare-metric" data-testid="compare-metric"></select>
      </div>
      <ul id="compare-list" class="compare-list" data-testid="compare-list"></ul>
      <div id="compare-chart" data-testid="compare-chart"></div>
    </section>
  </main>
</div>
<!-- cytoscape adds a <style> to the head unless this id exists; the CSP would refuse it, so its one rule is in ours. -->
<span id="__________cytoscape_stylesheet" hidden></span>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;
}
