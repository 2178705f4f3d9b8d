// @ts-check
/*
 * A multi-seed group (replicate, ablate --seeds, ablate --novelty-thresholds): per metric, each variant's across-seed
 * mean per cycle with its t 95% band (Plot areaY) and every run's own line, faint (Plot lineY), from
 * GET /api/groups/:id/stats. The group's own as-of slider asks for ?asOfCycle=N: the point where every run of the
 * group has completed cycle N. Axes span the group's history at the head, so moving the slider reveals, not rescales.
 */
import * as Plot from '@observablehq/plot';
import { $, $input, api, el, enc, fix, int, pct, showError } from './dom.js';
import { PALETTE, PLOT_CLASS, cycleAxis, figure } from './plot-charts.js';

/** The `stats` columns the group page draws; `percent` metrics are proportions shown as %. */
export const GROUP_METRICS = [
  { key: 'validRate', label: 'Valid rate', percent: true, fmt: pct },
  { key: 'meanAccuracy', label: 'Mean accuracy of valid candidates', fmt: fix(4), cap: 1 },
  { key: 'bestAccuracy', label: 'Best accuracy', fmt: fix(4), cap: 1 },
  { key: 'eliteConcentration', label: 'Elite concentration', percent: true, fmt: pct },
  { key: 'diversity', label: 'Diversity', fmt: fix(3) },
  { key: 'corpusSize', label: 'Corpus size', fmt: int },
];

const variantLabel = (/** @type {string} */ v) => (v === '' ? 'all runs' : v);

/** @type {{id: string | null, headRows: any[], runs: number, completed: number, running: boolean, seq: number}} */
const group = { id: null, headRows: [], runs: 0, completed: 0, running: false, seq: 0 };

/** The group's id when the group page is open. */
export const openGroupId = () => group.id;
export function closeGroup() { group.id = null; }

/**
 * Opens a group at the head (or at `startCycle`); `keepLatest` (a refresh) keeps the slider at the latest point if it was there.
 * @param {string} id @param {boolean} [keepLatest] @param {number} [startCycle]
 */
export async function openGroup(id, keepLatest, startCycle) {
  const slider = $input('group-slider');
  const wasLatest = keepLatest && Number(slider.value) >= Number(slider.max);
  group.id = id;
  const head = await api('/api/groups/' + enc(id) + '/stats');
  if (group.id !== id) return;
  group.headRows = head.cycles;
  group.runs = head.members.length;
  // A cycle is a point of the group once every run has completed it (what ?asOfCycle= resolves).
  const cycles = [...new Set(head.cycles.map((/** @type {any} */ r) => r.cycle))].sort((a, b) => a - b);
  const done = cycles.filter((c) => head.cycles.filter((/** @type {any} */ r) => r.cycle === c).reduce((s, /** @type {any} */ r) => s + r.completedRuns, 0) === group.runs);
  group.completed = done.length ? Math.max(...done) : 0;
  group.running = cycles.length > group.completed || head.members.length < head.seeds.length;
  $('group-title').textContent = 'Group ' + id;
  const variants = [...new Set(head.members.map((/** @type {any} */ m) => m.variant))];
  $('group-meta').textContent = head.members.length + ' runs · seeds ' + head.seeds.join(', ') +
    (variants.length > 1 || variants[0] !== '' ? ' · variants ' + variants.map(variantLabel).join(', ') : '');
  const max = Math.max(1, group.completed + (group.running ? 1 : 0));
  slider.min = '1';
  slider.max = String(max);
  if (!keepLatest || wasLatest || Number(slider.value) > max) slider.value = String(max);
  if (startCycle !== undefined && startCycle >= 1 && startCycle <= group.completed) slider.value = String(startCycle);
  slider.disabled = max === 1;
  await showGroupAsOf();
}

/** The slider's point: a completed cycle, or the head past the last one (a finished group's last cycle is its head). */
function groupPoint() {
  const v = Number($input('group-slider').value);
  return v < group.completed || (v === group.completed && group.running) ? v : null;
}

export async function showGroupAsOf() {
  const id = group.id;
  if (id === null) return;
  const cycle = groupPoint();
  const label = $('group-asof-label');
  label.dataset.asofCycle = cycle === null ? 'head' : String(cycle);
  history.replaceState(null, '', '#group=' + enc(id) + (cycle !== null ? '&asOfCycle=' + cycle : ''));
  const seq = ++group.seq;
  try {
    const result = await api('/api/groups/' + enc(id) + '/stats' + (cycle !== null ? '?asOfCycle=' + cycle : ''));
    if (seq !== group.seq || group.id !== id) return;
    const where = cycle === null ? 'head' : 'end of cycle ' + cycle + ' in every run';
    label.textContent = where + ' · position ' + result.position + ' of ' + result.head;
    label.dataset.position = String(result.position);
    const variants = [...new Set(group.headRows.map((r) => r.variant))];
    const xmax = Math.max(1, ...group.headRows.map((r) => r.cycle));
    $('group-charts').replaceChildren(...GROUP_METRICS.map((metric) => groupChart(metric, result.cycles, xmax, variants)));
    showError(null);
  } catch (error) {
    if (seq === group.seq) showError(error);
  }
}

/**
 * One metric: per variant, the 95% band, each run faint and the mean on top.
 * @param {typeof GROUP_METRICS[number]} metric @param {any[]} rows as of the point @param {number} xmax @param {string[]} variants
 */
function groupChart(metric, rows, xmax, variants) {
  const of = (/** @type {any} */ r) => r.metrics[metric.key];
  const bands = rows.filter((r) => of(r).ci).map((r) => ({ variant: variantLabel(r.variant), cycle: r.cycle, lo: of(r).ci[0], hi: of(r).ci[1] }));
  const means = rows.filter((r) => of(r).mean !== null).map((r) => ({ variant: variantLabel(r.variant), cycle: r.cycle, mean: of(r).mean, n: of(r).n, ci: of(r).ci }));
  const runs = rows.flatMap((r) => of(r).values.map((/** @type {number | null} */ value, /** @type {number} */ i) =>
    ({ variant: variantLabel(r.variant), cycle: r.cycle, run: r.experimentIds[i], seed: r.seeds[i], value }))).filter((d) => d.value !== null);
  // The y range from the head's rows, so the axis stays put as the slider moves.
  const highest = Math.max(...group.headRows.flatMap((r) => [of(r).ci ? of(r).ci[1] : null, ...of(r).values].filter((v) => v !== null)), 0);
  const labels = variants.map(variantLabel);
  const chart = Plot.plot({
    className: PLOT_CLASS, width: 560, height: 230, marginLeft: 52, x: cycleAxis(xmax),
    // Plot's percent option scales the values by 100 before the domain applies. A band may reach past a cap (an
    // accuracy's t interval above 1): the axis stops at the cap and the marks are clipped to the frame.
    y: { domain: metric.percent ? [0, 100] : [0, Math.min(highest, metric.cap ?? Infinity) || 1], nice: !metric.percent, grid: true, label: metric.label + (metric.percent ? ' (%)' : ''),
      percent: metric.percent === true },
    color: { domain: labels, range: PALETTE },
    marks: [
      Plot.areaY(bands, { x: 'cycle', y1: 'lo', y2: 'hi', z: 'variant', fill: 'variant', fillOpacity: 0.2, className: 'nl-band', clip: true }),
      Plot.lineY(runs, { x: 'cycle', y: 'value', z: 'run', stroke: 'variant', strokeOpacity: 0.35, strokeWidth: 1, className: 'nl-run' }),
      Plot.lineY(means, { x: 'cycle', y: 'mean', z: 'variant', stroke: 'variant', strokeWidth: 2.4, className: 'nl-mean' }),
      Plot.dot(means, { x: 'cycle', y: 'mean', fill: 'variant', r: 3, title: (d) => d.variant + ' · cycle ' + d.cycle + ' · mean ' + metric.fmt(d.mean) +
        (d.ci ? ' (t 95% CI ' + metric.fmt(d.ci[0]) + ' – ' + metric.fmt(d.ci[1]) + ')' : '') + ' over ' + d.n + ' runs' }),
    ],
  });
  const legend = labels.flatMap((l, i) => /** @type {Array<[string, string]>} */ ([[l + ' mean, t 95% band, runs faint', PALETTE[i % PALETTE.length]]]));
  const fig = figure('group-' + metric.key, metric.label + ' across seeds', chart,
    { metric: metric.key, cycles: new Set(rows.map((r) => r.cycle)).size, bands: new Set(bands.map((b) => b.variant)).size, runs: new Set(runs.map((d) => d.run)).size },
    legend);
  fig.append(numbersTable(metric, rows));
  return fig;
}

/** The same numbers, folded away: for screen readers and for copying a value exactly. @param {typeof GROUP_METRICS[number]} metric @param {any[]} rows */
function numbersTable(metric, rows) {
  const head = ['variant', 'cycle', 'mean', 't 95% CI', 'runs', 'each run'];
  return el('details', { class: 'numbers' }, [
    el('summary', { text: 'numbers' }),
    el('div', { class: 'table-wrap' }, [el('table', { 'data-testid': 'group-table-' + metric.key }, [
      el('thead', {}, [el('tr', {}, head.map((h, i) => el('th', { scope: 'col', class: i > 1 ? 'num' : null, text: h })))]),
      el('tbody', {}, rows.map((r) => {
        const m = r.metrics[metric.key];
        return el('tr', {}, [
          el('td', { text: variantLabel(r.variant) }), el('th', { scope: 'row', text: r.cycle }),
          el('td', { class: 'num', text: metric.fmt(m.mean) }),
          el('td', { class: 'num', text: m.ci ? metric.fmt(m.ci[0]) + ' – ' + metric.fmt(m.ci[1]) : '–' }),
          el('td', { class: 'num', text: m.n }),
          el('td', { class: 'num', text: m.values.map((/** @type {number | null} */ v) => metric.fmt(v)).join(', ') }),
        ]);
      })),
    ])]),
  ]);
}
