// @ts-check
/*
 * The per-cycle trend charts (valid rate, accuracy, elite concentration, diversity/novelty, corpus size): one line
 * per series with its confidence band, drawn as plain SVG so each point keeps its tooltip, click and data table.
 * Axes span the experiment's whole history, so moving the as-of slider reveals points rather than rescaling.
 */
import { ciText, el, fix, int, pct, sv } from './dom.js';

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

/**
 * The trend charts for the rows as of the slider's point, on axes sized by the head's rows.
 * @param {any[]} rows the stats rows as of the point
 * @param {any[]} all the stats rows at the head
 * @param {number} threshold the admission threshold τ
 * @param {(cycle: number) => void} onCycle a point was clicked
 * @returns {HTMLElement[]}
 */
export function renderTrendCharts(rows, all, threshold, onCycle) {
  const xmax = Math.max(1, all.length);
  return CHARTS.map((spec) => renderChart(spec, rows, all, xmax, threshold, onCycle));
}

function renderChart(spec, rows, all, xmax, threshold, onCycle) {
  const W = 560, H = 220, m = { l: 48, r: 14, t: 10, b: 34 };
  const iw = W - m.l - m.r, ih = H - m.t - m.b;
  const [y0, y1] = spec.domain(all, threshold);
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
    const t = el('span', { class: 'dash', text: 'threshold τ = ' + threshold });
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
    const ty = r2(y(threshold));
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
      dot.addEventListener('click', () => { onCycle(row.cycle); });
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
