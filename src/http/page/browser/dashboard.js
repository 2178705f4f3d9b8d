// @ts-check
/*
 * The dashboard's browser script: vanilla JS, inline in the page (the machine that serves it may have no internet).
 * Everything shown comes from the JSON API; data is only ever written with textContent / setAttribute, never as HTML.
 * Type-checked by tsc with checkJs (src/http/page/browser/tsconfig.json, part of `npm run lint`).
 */
(() => {
  'use strict';
  const SVG = 'http://www.w3.org/2000/svg';
  /**
   * The page's element with this id; the page is built with every id the script uses, so a missing one is a bug.
   * @param {string} id
   * @returns {HTMLElement}
   */
  const $ = (id) => {
    const node = document.getElementById(id);
    if (!node) throw new Error('the page has no element #' + id);
    return node;
  };
  /** @param {string} id @returns {HTMLInputElement} */
  const $input = (id) => /** @type {HTMLInputElement} */ ($(id));
  /** @param {string} id @returns {HTMLSelectElement} */
  const $select = (id) => /** @type {HTMLSelectElement} */ ($(id));
  /**
   * What the page shows; API payloads are plain JSON (typed loosely, checked where used).
   * @type {{experiments: any[], exp: any, head: any, headStats: any, completed: number, hasRunning: boolean,
   *   asOf: {cycle: number | null}, rows: any[], candCycle: number | null, provenanceId: string | null,
   *   seq: number, candSeq: number, provSeq: number}}
   */
  const state = {
    experiments: [], exp: null, head: null, headStats: null, completed: 0, hasRunning: false,
    asOf: { cycle: null }, rows: [], candCycle: null, provenanceId: null, seq: 0, candSeq: 0, provSeq: 0,
  };

  // ---- small helpers ----
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') node.textContent = String(v);
      else if (k === 'onclick') node.addEventListener('click', v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const child of children || []) if (child !== null && child !== undefined) node.append(child);
    return node;
  }
  function sv(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }
  const enc = encodeURIComponent;
  const pct = (v) => (v === null || v === undefined ? '–' : (100 * v).toFixed(1) + '%');
  const fix = (d) => (v) => (v === null || v === undefined ? '–' : Number(v).toFixed(d));
  const int = (v) => (v === null || v === undefined ? '–' : String(Math.round(v)));
  const ciText = (c, f) => (c ? ' (95% CI ' + f(c[0]) + ' – ' + f(c[1]) + ')' : '');
  const short = (h) => (h ? String(h).slice(0, 12) : '–');

  async function api(path) {
    const res = await fetch(path, { headers: { accept: 'application/json' } });
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) {
      throw Object.assign(new Error((body && body.message) || ('HTTP ' + res.status)), { body, status: res.status });
    }
    return body;
  }
  function showError(error) {
    const box = $('error');
    if (!error) { box.hidden = true; box.textContent = ''; return; }
    box.textContent = (error.body && error.body.code ? error.body.code + ': ' : '') + error.message +
      (error.body && error.body.hint ? ' — ' + error.body.hint : '');
    box.hidden = false;
  }
  function withAsOf(path, extra) {
    const params = new URLSearchParams(extra || {});
    if (state.asOf.cycle !== null) params.set('asOfCycle', String(state.asOf.cycle));
    const qs = params.toString();
    return qs ? path + '?' + qs : path;
  }

  // ---- experiments ----
  async function loadExperiments() {
    const [list, head] = await Promise.all([api('/api/experiments'), api('/api/head')]);
    state.head = head.head;
    $('head').textContent = 'ledger head: position ' + head.head;
    state.experiments = list.experiments;
    const ul = $('experiments');
    ul.replaceChildren();
    for (const e of list.experiments) {
      ul.append(el('li', {}, [el('button', {
        type: 'button', class: 'exp', 'data-testid': 'experiment-item', 'data-experiment-id': e.experimentId,
        'aria-current': e.experimentId === state.exp ? 'true' : 'false', onclick: () => { selectExperiment(e.experimentId).catch(showError); },
      }, [
        el('span', { class: 'name', text: e.name === e.experimentId ? e.experimentId : e.name + ' (' + e.experimentId + ')' }),
        el('span', { class: 'meta', text: e.status + ' · ' + e.cyclesDone + '/' + e.cyclesPlanned + ' cycles · ' +
          e.candidates + ' candidates · ' + e.admitted + ' admitted' }),
      ])]));
    }
    ul.removeAttribute('aria-busy');
    $('no-experiments').hidden = list.experiments.length > 0;
    return list.experiments;
  }

  async function selectExperiment(id, keepLatest, startCycle) {
    const wasLatest = keepLatest && Number($input('asof-slider').value) >= Number($input('asof-slider').max);
    state.exp = id;
    for (const b of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('.exp'))) b.setAttribute('aria-current', b.dataset.experimentId === id ? 'true' : 'false');
    showError(null);
    const stats = await api('/api/experiments/' + enc(id) + '/stats');
    if (state.exp !== id) return;
    state.headStats = stats;
    const done = stats.cycles.filter((c) => c.completed).map((c) => c.cycle);
    state.completed = done.length ? Math.max.apply(null, done) : 0;
    state.hasRunning = stats.cycles.some((c) => !c.completed) || state.completed === 0;
    const summary = state.experiments.find((e) => e.experimentId === id);
    $('exp-title').textContent = summary ? summary.name : id;
    $('exp-meta').textContent = (summary ? summary.status + ' · ' + summary.cyclesDone + ' of ' + summary.cyclesPlanned + ' cycles · ' : '') +
      'admission threshold τ = ' + stats.threshold;
    const slider = $input('asof-slider');
    const max = Math.max(1, state.completed + (state.hasRunning ? 1 : 0));
    slider.min = '1';
    slider.max = String(max);
    if (!keepLatest || wasLatest || Number(slider.value) > max) slider.value = String(max);
    if (startCycle >= 1 && startCycle <= state.completed) slider.value = String(startCycle);
    slider.disabled = max === 1;
    $('overview').hidden = false;
    $('charts').hidden = false;
    $('candidates').hidden = false;
    await showAsOf();
  }

  // ---- time travel ----
  function sliderPoint() {
    const v = Number($input('asof-slider').value);
    return v <= state.completed ? { cycle: v } : { cycle: null };
  }
  function asOfText(point, result) {
    const where = point.cycle !== null
      ? 'end of cycle ' + point.cycle + ' of ' + state.completed
      : 'head' + (state.hasRunning && state.completed > 0 ? ' (cycle ' + (state.completed + 1) + ' running)' : '');
    return result ? where + ' · position ' + result.position + ' of ' + result.head : where;
  }
  async function showAsOf() {
    const point = sliderPoint();
    state.asOf = { cycle: point.cycle };
    const label = $('asof-label');
    label.textContent = asOfText(point, null);
    label.dataset.asofCycle = point.cycle === null ? 'head' : String(point.cycle);
    $('asof-slider').setAttribute('aria-valuetext', asOfText(point, null));
    // The address names what is shown, so a view can be bookmarked or sent.
    history.replaceState(null, '', '#experiment=' + enc(state.exp) + (point.cycle !== null ? '&asOfCycle=' + point.cycle : ''));
    const seq = ++state.seq;
    try {
      const result = await api(withAsOf('/api/experiments/' + enc(state.exp) + '/stats'));
      if (seq !== state.seq) return; // a later slider position already asked
      state.rows = result.cycles;
      label.textContent = asOfText(point, result);
      label.dataset.position = String(result.position);
      renderCharts(result.cycles);
      fillCycleSelect(result.cycles);
      showError(null);
      await loadCandidates();
      if (state.provenanceId) await showProvenance(state.provenanceId, true);
    } catch (error) {
      if (seq === state.seq) showError(error);
    }
  }

  // ---- charts ----
  const CHARTS = [
    {
      id: 'valid-rate', title: 'Valid rate', fmt: pct, domain: () => [0, 1],
      series: [{ key: 'validRate', ci: 'validRateCI', label: 'valid / generated', color: 1 }],
      bandLabel: 'Wilson 95% CI',
    },
    {
      id: 'accuracy', title: 'Accuracy of valid candidates', fmt: fix(3), threshold: true,
      domain: (rows, threshold) => [0, niceMax(Math.max(threshold, ...rows.flatMap((r) =>
        [r.bestAccuracy, r.meanAccuracyCI ? r.meanAccuracyCI[1] : null].filter((v) => v !== null))), 1)],
      series: [
        { key: 'meanAccuracy', ci: 'meanAccuracyCI', label: 'mean', color: 1 },
        { key: 'bestAccuracy', label: 'best', color: 2 },
      ],
      bandLabel: 't 95% CI of the mean',
    },
    {
      id: 'elite-concentration', title: 'Elite concentration', fmt: pct, domain: () => [0, 1],
      series: [{ key: 'eliteConcentration', label: 'candidates ≥ τ / generated', color: 3 }],
    },
    {
      id: 'diversity-novelty', title: 'Diversity and novelty', fmt: fix(3), domain: () => [0, 1],
      series: [
        { key: 'diversity', label: 'diversity (mean pairwise MinHash distance)', color: 4 },
        { key: 'novelty', label: 'novelty (1 − J_train)', color: 2 },
      ],
    },
    {
      id: 'corpus-size', title: 'Corpus size', fmt: int,
      domain: (rows) => [0, niceMax(Math.max(1, ...rows.map((r) => r.corpusSize)), undefined, true)],
      series: [{ key: 'corpusSize', label: 'entries after the cycle (seed + admitted)', color: 1 }],
    },
  ];

  /** A top for a 4-step axis whose step is a round number (whole numbers for counts), a little above v. */
  function niceMax(v, cap, whole) {
    const rawStep = Math.max(v * 1.05, 1e-9) / 4;
    const mag = Math.pow(10, Math.floor(Math.log10(rawStep)));
    const factors = whole ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
    let step = factors.map((f) => f * mag).find((c) => c >= rawStep) || rawStep;
    if (whole) step = Math.max(1, Math.round(step));
    const top = step * 4;
    return cap !== undefined ? Math.min(cap, top) : top;
  }

  function renderCharts(rows) {
    const box = $('charts');
    box.replaceChildren();
    const all = state.headStats.cycles; // axes span the whole history, so time travel reveals rather than rescales
    const xmax = Math.max(1, all.length);
    for (const spec of CHARTS) box.append(renderChart(spec, rows, all, xmax));
  }

  function renderChart(spec, rows, all, xmax) {
    const W = 560, H = 220, m = { l: 48, r: 14, t: 10, b: 34 };
    const iw = W - m.l - m.r, ih = H - m.t - m.b;
    const [y0, y1] = spec.domain(all, state.headStats.threshold);
    const x = (c) => m.l + (xmax === 1 ? iw / 2 : ((c - 1) / (xmax - 1)) * iw);
    const y = (v) => m.t + ih - ((Math.min(Math.max(v, y0), y1) - y0) / (y1 - y0 || 1)) * ih;
    const r2 = (n) => Math.round(n * 100) / 100;
    const capId = 'cap-' + spec.id, descId = 'desc-' + spec.id;

    const legend = el('div', { class: 'legend', 'aria-hidden': 'true' });
    for (const s of spec.series) {
      const item = el('span', { text: s.label });
      item.style.setProperty('--c', 'var(--s' + s.color + ')');
      legend.append(item);
      if (s.ci) {
        const band = el('span', { class: 'band', text: spec.bandLabel });
        band.style.setProperty('--c', 'var(--s' + s.color + ')');
        legend.append(band);
      }
    }
    if (spec.threshold) {
      const t = el('span', { class: 'dash', text: 'threshold τ = ' + state.headStats.threshold });
      t.style.setProperty('--c', 'var(--bad)');
      legend.append(t);
    }

    const svg = sv('svg', { class: 'chart', viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-labelledby': capId + ' ' + descId,
      'data-testid': 'svg-' + spec.id });
    svg.append(sv('desc', { id: descId }, describe(spec, rows)));
    const grid = sv('g', { class: 'grid' }), axis = sv('g', { class: 'axis' });
    for (let i = 0; i <= 4; i++) {
      const v = y0 + ((y1 - y0) * i) / 4, py = r2(y(v));
      grid.append(sv('line', { x1: m.l, x2: W - m.r, y1: py, y2: py }));
      axis.append(sv('text', { x: m.l - 6, y: py + 4, 'text-anchor': 'end' }, spec.fmt === int ? int(v) : spec.fmt === pct ? Math.round(v * 100) + '%' : fix(2)(v)));
    }
    const step = Math.max(1, Math.ceil(xmax / 12));
    for (let c = 1; c <= xmax; c += step) {
      axis.append(sv('line', { x1: r2(x(c)), x2: r2(x(c)), y1: m.t + ih, y2: m.t + ih + 4 }));
      axis.append(sv('text', { x: r2(x(c)), y: m.t + ih + 16, 'text-anchor': 'middle' }, String(c)));
    }
    axis.append(sv('line', { x1: m.l, x2: W - m.r, y1: m.t + ih, y2: m.t + ih }));
    axis.append(sv('text', { x: m.l + iw / 2, y: H - 2, 'text-anchor': 'middle' }, 'cycle'));
    svg.append(grid, axis);

    for (const s of spec.series) {
      if (!s.ci) continue;
      const band = sv('path', { class: 'band c' + s.color, d: bandPath(rows, s.ci, x, y, r2), 'data-testid': 'band-' + s.ci });
      svg.append(band);
    }
    if (spec.threshold) {
      const ty = r2(y(state.headStats.threshold));
      svg.append(sv('line', { class: 'threshold', x1: m.l, x2: W - m.r, y1: ty, y2: ty, 'data-testid': 'threshold-line' }));
    }
    if (rows.length === 0) svg.append(sv('text', { class: 'empty', x: m.l + iw / 2, y: m.t + ih / 2, 'text-anchor': 'middle' }, 'no cycle yet at this point'));
    for (const s of spec.series) {
      let d = '', points = 0, gap = true;
      const markers = sv('g', { 'aria-hidden': 'true' });
      for (const row of rows) {
        const v = row[s.key];
        if (v === null || v === undefined) { gap = true; continue; }
        const px = r2(x(row.cycle)), py = r2(y(v));
        d += (gap ? 'M' : 'L') + px + ' ' + py;
        gap = false;
        points++;
        const dot = sv('circle', { class: 'marker c' + s.color, cx: px, cy: py, r: 3.4, 'data-cycle': row.cycle });
        dot.append(sv('title', {}, 'cycle ' + row.cycle + (row.completed ? '' : ' (running)') + ' — ' + s.label + ': ' + spec.fmt(v) +
          (s.ci ? ciText(row[s.ci], spec.fmt) : '') + ' · click for its candidates'));
        dot.addEventListener('click', () => { setCandCycle(row.cycle); });
        markers.append(dot);
      }
      svg.append(sv('path', { class: 'series c' + s.color, d: d, 'data-testid': 'series-' + s.key, 'data-points': points }), markers);
    }
    return el('figure', { 'data-testid': 'chart-' + spec.id, 'data-cycles': rows.length }, [
      el('figcaption', { id: capId, text: spec.title }), legend, svg, dataTable(spec, rows),
    ]);
  }

  /** The same numbers as a table, folded away: for screen readers, and for copying a value exactly. */
  function dataTable(spec, rows) {
    const head = ['cycle'];
    for (const s of spec.series) { head.push(s.label); if (s.ci) head.push(spec.bandLabel); }
    const body = rows.map((row) => {
      const cells = [el('th', { scope: 'row', text: row.cycle + (row.completed ? '' : ' (running)') })];
      for (const s of spec.series) {
        cells.push(el('td', { class: 'num', text: spec.fmt(row[s.key]) }));
        if (s.ci) cells.push(el('td', { class: 'num', text: row[s.ci] ? spec.fmt(row[s.ci][0]) + ' – ' + spec.fmt(row[s.ci][1]) : '–' }));
      }
      return el('tr', {}, cells);
    });
    return el('details', { class: 'numbers' }, [
      el('summary', { text: 'numbers' }),
      el('div', { class: 'table-wrap' }, [el('table', { 'data-testid': 'table-' + spec.id }, [
        el('thead', {}, [el('tr', {}, head.map((h, i) => el('th', { scope: 'col', class: i ? 'num' : null, text: h })))]),
        el('tbody', {}, body),
      ])]),
    ]);
  }

  /** One closed area per run of cycles that have an interval: upper edge forwards, lower edge back. */
  function bandPath(rows, key, x, y, r2) {
    let d = '', run = [];
    const flush = () => {
      if (run.length === 0) return;
      if (run.length === 1) { // a lone interval has no width as an area: draw it as a narrow bar
        const r = run[0], cx = x(r.cycle);
        d += 'M' + r2(cx - 3) + ' ' + r2(y(r[key][1])) + 'H' + r2(cx + 3) + 'V' + r2(y(r[key][0])) + 'H' + r2(cx - 3) + 'Z';
        run = [];
        return;
      }
      const up = run.map((r) => r2(x(r.cycle)) + ' ' + r2(y(r[key][1])));
      const down = run.slice().reverse().map((r) => r2(x(r.cycle)) + ' ' + r2(y(r[key][0])));
      d += 'M' + up.join('L') + 'L' + down.join('L') + 'Z';
      run = [];
    };
    for (const row of rows) { if (row[key]) run.push(row); else flush(); }
    flush();
    return d;
  }

  function describe(spec, rows) {
    if (rows.length === 0) return spec.title + ': no cycle at this point in history.';
    const last = rows[rows.length - 1];
    return spec.title + ' per cycle, cycles 1 to ' + last.cycle + '. Cycle ' + last.cycle + ': ' +
      spec.series.map((s) => s.label + ' ' + spec.fmt(last[s.key]) + (s.ci ? ciText(last[s.ci], spec.fmt) : '')).join('; ') + '.';
  }

  // ---- candidates ----
  function fillCycleSelect(rows) {
    const select = $select('cand-cycle');
    const max = rows.length ? rows[rows.length - 1].cycle : 0;
    if (state.candCycle === null || state.candCycle > max) state.candCycle = max || null;
    select.replaceChildren();
    for (const row of rows) {
      select.append(el('option', { value: row.cycle, text: 'cycle ' + row.cycle + (row.completed ? '' : ' (running)'),
        selected: row.cycle === state.candCycle }));
    }
    select.disabled = rows.length === 0;
  }
  function setCandCycle(cycle) {
    state.candCycle = cycle;
    $select('cand-cycle').value = String(cycle);
    loadCandidates().catch(showError);
  }

  async function loadCandidates() {
    const body = $('cand-body');
    if (state.candCycle === null) {
      body.replaceChildren();
      $('cand-summary').textContent = 'no cycle at this point';
      return;
    }
    const seq = ++state.candSeq;
    const result = await api(withAsOf('/api/experiments/' + enc(state.exp) + '/candidates', { cycle: String(state.candCycle) }));
    if (seq !== state.candSeq) return;
    const rows = result.candidates;
    const admitted = rows.filter((c) => c.admitted).length, rejected = rows.filter((c) => c.status === 'rejected').length;
    $('cand-summary').textContent = rows.length + ' candidates · ' + admitted + ' admitted · ' + rejected + ' rejected';
    body.replaceChildren(...rows.map((c) => el('tr', {
      class: c.admitted ? 'admitted' : null, 'data-testid': 'candidate-row', 'data-status': c.status, 'data-candidate-id': c.candidateId,
    }, [
      el('td', {}, [el('button', { type: 'button', class: 'linkish', 'data-testid': 'candidate-link', 'data-candidate-id': c.candidateId,
        'aria-label': 'Show the provenance of candidate ' + c.candidateId, text: c.candidateId, onclick: () => showProvenance(c.candidateId).catch(showError) })]),
      el('td', { class: 'num', text: c.index }),
      el('td', {}, [el('span', { class: 'badge ' + (c.admitted ? 'admitted' : c.status === 'rejected' ? 'rejected' : ''), text: c.status.replace('_', ' ') })]),
      el('td', { text: c.stage || c.notAdmittedReason || '–' }),
      el('td', { class: 'num', text: fix(4)(c.accuracy) }),
      el('td', { class: 'num', text: fix(3)(c.jTrain) }),
      el('td', {}, [c.architectureId ? el('code', { text: c.architectureId }) : '–']),
    ])));
  }

  // ---- provenance ----
  function refText(e) {
    return '#' + e.position + ' ' + e.type + ' — ' + e.streamId + '@' + e.streamVersion + ', hash ' + short(e.hash) + ', ' + e.recordedAt;
  }
  function entryButton(m) {
    const id = m.architectureId || m.entryId;
    return el('button', { type: 'button', class: 'linkish', text: id, 'aria-label': 'Show the provenance of ' + id,
      onclick: () => showProvenance(id).catch(showError) });
  }

  async function showProvenance(id, quiet) {
    const panel = $('provenance');
    const seq = ++state.provSeq;
    state.provenanceId = id;
    let p;
    try {
      p = await api(withAsOf('/api/provenance/' + enc(id)));
    } catch (error) {
      if (seq !== state.provSeq) return;
      panel.replaceChildren(el('h2', { id: 'prov-title', text: 'Provenance of ' + id }), el('p', { role: 'alert', text: error instanceof Error ? error.message : String(error) }));
      panel.hidden = false;
      return;
    }
    if (seq !== state.provSeq) return;
    const s = p.subject;
    const close = el('button', { type: 'button', class: 'linkish', text: 'close', onclick: () => { panel.hidden = true; state.provenanceId = null; } });
    const parts = [
      el('div', { class: 'title-row' }, [el('h2', { id: 'prov-title', tabindex: '-1', 'data-testid': 'provenance-title' },
        ['Provenance of ', el('code', { text: p.id })]), close]),
      el('p', { class: 'muted', text: 'as of ' + (state.asOf.cycle === null ? 'the head' : 'the end of cycle ' + state.asOf.cycle) +
        ' (position ' + p.position + ' of ' + p.head + ')' }),
      el('dl', { class: 'kv' }, [
        el('dt', { text: 'kind' }), el('dd', { text: s.kind }),
        el('dt', { text: 'status' }), el('dd', { text: s.status, 'data-testid': 'provenance-status' }),
        el('dt', { text: 'experiment' }), el('dd', { text: s.experimentId }),
        el('dt', { text: 'cycle' }), el('dd', { text: s.cycle === null ? '–' : s.cycle }),
        el('dt', { text: 'candidate' }), el('dd', { text: s.candidateId || '–' }),
        el('dt', { text: 'architecture' }), el('dd', { text: s.architectureId || '–' }),
        el('dt', { text: 'code hash' }), el('dd', {}, [el('code', { text: s.codeHash })]),
      ]),
    ];
    if (p.candidateEvents.length) {
      parts.push(el('h3', { text: 'Its events' }),
        el('ol', { class: 'events', 'data-testid': 'provenance-events' }, p.candidateEvents.map((e) => el('li', { text: refText(e) }))));
    }
    if (p.parent) {
      parts.push(el('p', {}, ['Parent (delta generation): ', p.parent.member ? entryButton(p.parent.member) : el('code', { text: p.parent.entryId })]));
    }
    if (p.generatorChain.length) {
      parts.push(el('h3', { text: 'Generator chain (newest first)' }), el('ol', { class: 'chain', 'data-testid': 'provenance-chain' },
        p.generatorChain.map((step) => {
          if (step.kind === 'initial') {
            return el('li', { 'data-step': 'initial', text: 'initial generator ' + step.generator.id + '@' + short(step.generator.version) +
              (step.firstUsedIn ? ', first used by ' + refText(step.firstUsedIn) : '') });
          }
          const added = el('span', {}, step.corpusEntriesAdded.length
            ? step.corpusEntriesAdded.flatMap((m, i) => (i ? [', ', entryButton(m)] : [entryButton(m)]))
            : ['none']);
          return el('li', { 'data-step': 'fine-tuned' }, [
            el('div', { text: step.generator.id + '@' + short(step.generator.version) + ' ← fine-tuned in cycle ' + step.cycle +
              ' from @' + short(step.from.version) + (step.loss === null ? '' : ', loss ' + fix(4)(step.loss)) }),
            el('div', { class: 'muted', text: refText(step.fineTuned) }),
            el('div', {}, ['trained on ' + step.corpusVersion + ' corpus entries, hash ' + short(step.corpusHash) + ' ',
              el('span', { class: step.corpusHashVerified ? 'verified' : 'unverified',
                text: step.corpusHashVerified ? '✓ matches the ledger' : '✗ does not match the ledger' })]),
            el('div', {}, ['new entries since the previous version: ', added]),
          ]);
        })));
    }
    if (p.seedCorpus) {
      parts.push(el('p', { text: 'Seed corpus: ' + p.seedCorpus.entries + ' entries from ' + p.seedCorpus.source + ', hash ' +
        short(p.seedCorpus.corpusHash) + ' — ' + refText(p.seedCorpus.seeded) }));
    }
    parts.push(el('p', { text: 'Experiment registered: ' + refText(p.experiment.registered) + ', config ' + short(p.experiment.configHash) }));
    panel.replaceChildren(...parts);
    panel.hidden = false;
    if (!quiet) {
      panel.scrollIntoView({ block: 'nearest' });
      $('prov-title').focus({ preventScroll: true });
    }
  }

  // ---- wiring ----
  // Dragging fires many input events: ask for the point where the slider comes to rest (stale answers are dropped too).
  let sliderTimer = null;
  $('asof-slider').addEventListener('input', () => {
    clearTimeout(sliderTimer);
    sliderTimer = setTimeout(showAsOf, 60);
  });
  $('cand-cycle').addEventListener('change', (event) => setCandCycle(Number(/** @type {HTMLSelectElement} */ (event.target).value)));

  // A running loop keeps appending: poll the head and follow it while the slider is at its latest point.
  async function poll() {
    try {
      const head = await api('/api/head');
      if (head.head !== state.head) {
        await loadExperiments();
        if (state.exp) await selectExperiment(state.exp, true);
      }
    } catch (error) { /* the next poll retries; a real failure shows on the next user action */ }
  }

  (async () => {
    try {
      const experiments = await loadExperiments();
      const wanted = new URLSearchParams(location.hash.slice(1));
      const pick = experiments.find((e) => e.experimentId === wanted.get('experiment')) || experiments[0];
      if (pick) await selectExperiment(pick.experimentId, false, pick.experimentId === wanted.get('experiment') ? Number(wanted.get('asOfCycle')) : 0);
      document.body.dataset.ready = 'true';
      setInterval(poll, 5000);
    } catch (error) {
      showError(error);
      document.body.dataset.ready = 'error';
    }
  })();
})();
