// @ts-check
/*
 * Charts drawn with Observable Plot: the accuracy distribution per cycle (a strip of every evaluated candidate with
 * the median marked), rejections by validation stage per cycle (stacked bars), and several experiments' trajectories
 * overlaid. Plot adds a <style> element to each chart; the page's CSP admits only its own pinned stylesheet, so that
 * element is dropped before the chart enters the document and the same rules live in dashboard-style.ts (.nl-plot).
 */
import * as Plot from '@observablehq/plot';
import { el } from './dom.js';

export const PLOT_CLASS = 'nl-plot';
/** The page's series colours (dashboard-style.ts --s1..--s4, then two more with AA contrast on white). */
export const PALETTE = ['#1f5fbf', '#c2410c', '#0f766e', '#7c3aed', '#a21caf', '#4d7c0f'];
const STAGE_COLOURS = ['#1f5fbf', '#c2410c', '#0f766e', '#7c3aed', '#b42318', '#4d7c0f', '#a16207', '#475569'];

/** @param {Element} node */
function withoutStyleElements(node) {
  for (const style of node.querySelectorAll('style')) style.remove();
  return node;
}

/**
 * A figure for a Plot chart: caption, our legend (Plot's legends need inline styles), the chart and its data attributes.
 * @param {string} id @param {string} title @param {Element} chart @param {Record<string, string | number>} data
 * @param {Array<[string, string]>} [legend] label and colour pairs
 */
export function figure(id, title, chart, data, legend) {
  const attrs = { 'data-testid': 'chart-' + id };
  for (const [k, v] of Object.entries(data)) attrs['data-' + k] = v;
  const key = el('div', { class: 'legend', 'aria-hidden': 'true' }, (legend || []).map(([label, colour]) => {
    const item = el('span', { text: label });
    item.style.setProperty('--c', colour);
    return item;
  }));
  return el('figure', attrs, [el('figcaption', { text: title }), key, withoutStyleElements(chart)]);
}

export const cycleAxis = (/** @type {number} */ xmax) => ({ domain: [0.5, xmax + 0.5], ticks: Math.min(xmax, 12), tickFormat: 'd', label: 'cycle' });
/** A fixed spread within a cycle's column, so the same candidate sits at the same place on every redraw. */
const jitter = (/** @type {number} */ index) => ((index * 0.6180339887) % 1 - 0.5) * 0.5;

/**
 * Every evaluated candidate's accuracy, by cycle, with the cycle's median as a bar and the threshold τ dashed.
 * @param {any[]} candidates the rows as of the slider's point @param {number} xmax cycles at the head @param {number} threshold
 */
export function accuracyDistribution(candidates, xmax, threshold) {
  const scored = candidates.filter((c) => c.accuracy !== null && c.accuracy !== undefined);
  const byCycle = new Map();
  for (const c of scored) byCycle.set(c.cycle, [...(byCycle.get(c.cycle) || []), c.accuracy]);
  const medians = [...byCycle].map(([cycle, values]) => {
    const sorted = values.slice().sort((/** @type {number} */ a, /** @type {number} */ b) => a - b);
    const mid = sorted.length >> 1;
    return { cycle, median: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2 };
  });
  const chart = Plot.plot({
    className: PLOT_CLASS, width: 560, height: 220, marginLeft: 48, x: cycleAxis(xmax),
    y: { domain: [0, 1], grid: true, label: 'accuracy' },
    color: { domain: ['admitted', 'not admitted'], range: [PALETTE[2], PALETTE[0]] },
    marks: [
      Plot.ruleY([threshold], { stroke: '#b42318', strokeDasharray: '5 4' }),
      Plot.dot(scored, { x: (c) => c.cycle + jitter(c.index), y: 'accuracy', r: 3, fill: (c) => (c.admitted ? 'admitted' : 'not admitted'),
        fillOpacity: 0.75, title: (c) => c.candidateId + ' · accuracy ' + c.accuracy.toFixed(4) + (c.admitted ? ' · admitted' : '') }),
      Plot.ruleY(medians, { y: 'median', x1: (d) => d.cycle - 0.32, x2: (d) => d.cycle + 0.32, stroke: '#1d2430', strokeWidth: 2 }),
    ],
  });
  const cycles = [...byCycle.keys()];
  return figure('accuracy-distribution', 'Accuracy distribution per cycle', chart,
    { points: scored.length, cycles: cycles.length, 'max-cycle': cycles.length ? Math.max(...cycles) : 0 },
    [['admitted', PALETTE[2]], ['not admitted', PALETTE[0]], ['median', '#1d2430'], ['threshold τ = ' + threshold, '#b42318']]);
}

/**
 * Rejected candidates per cycle, stacked by the validation stage that rejected them.
 * @param {any[]} candidates @param {number} xmax @param {readonly string[]} stages every stage, in pipeline order
 */
export function rejectionsByStage(candidates, xmax, stages) {
  const rejected = candidates.filter((c) => c.status === 'rejected');
  const chart = Plot.plot({
    className: PLOT_CLASS, width: 560, height: 220, marginLeft: 48,
    x: { domain: Array.from({ length: xmax }, (_, i) => i + 1), label: 'cycle', tickFormat: 'd', padding: 0.25 },
    y: { grid: true, label: 'rejected candidates', tickFormat: 'd' },
    color: { domain: stages, range: STAGE_COLOURS },
    marks: [
      Plot.barY(rejected, Plot.groupX({ y: 'count', title: (/** @type {any[]} */ g) => g.length + ' rejected at ' + g[0].stage },
        { x: 'cycle', fill: 'stage', order: [...stages] })),
      Plot.ruleY([0]),
    ],
  });
  const cycles = [...new Set(rejected.map((c) => c.cycle))];
  const seen = stages.filter((s) => rejected.some((c) => c.stage === s));
  return figure('rejections', 'Rejections by stage per cycle', chart,
    { points: rejected.length, cycles: cycles.length, 'max-cycle': cycles.length ? Math.max(...cycles) : 0 },
    seen.map((s) => [s, STAGE_COLOURS[stages.indexOf(s) % STAGE_COLOURS.length]]));
}

/**
 * Several experiments' per-cycle values of one statistic on one chart.
 * @param {Array<{experimentId: string, label: string, rows: any[]}>} series @param {{key: string, label: string, percent?: boolean}} metric
 */
export function compareChart(series, metric) {
  const points = series.flatMap((s) => s.rows.filter((r) => r[metric.key] !== null && r[metric.key] !== undefined)
    .map((r) => ({ experiment: s.label, cycle: r.cycle, value: r[metric.key] })));
  const labels = series.map((s) => s.label);
  const xmax = Math.max(1, ...series.flatMap((s) => s.rows.map((r) => r.cycle)));
  const chart = Plot.plot({
    className: PLOT_CLASS, width: 720, height: 260, marginLeft: 52, x: cycleAxis(xmax),
    y: { grid: true, label: metric.label + (metric.percent ? ' (%)' : ''), percent: metric.percent === true, zero: true },
    color: { domain: labels, range: PALETTE },
    marks: [
      Plot.line(points, { x: 'cycle', y: 'value', stroke: 'experiment', strokeWidth: 2.2 }),
      Plot.dot(points, { x: 'cycle', y: 'value', fill: 'experiment', r: 3.2, title: (d) => d.experiment + ' · cycle ' + d.cycle + ' · ' + d.value }),
    ],
  });
  return figure('compare', metric.label + ': ' + labels.length + ' experiments overlaid', chart,
    { series: labels.length, points: points.length }, labels.map((l, i) => [l, PALETTE[i % PALETTE.length]]));
}
