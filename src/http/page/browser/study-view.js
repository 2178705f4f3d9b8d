// @ts-check
/*
 * An experiment's proxy studies (`study proxy`, seed 000 §5): the proxy-vs-full scatter, one point per candidate whose
 * full training passed, and the numbers: SNR, Pearson / Spearman / Kendall τ-b with p-values, Thm 8's predicted ρ_S
 * and the Bonferroni verdict, from GET /api/studies/:id as of the experiment slider's position (a study has no
 * cycles: the slider's point is passed as ?asOfPosition=, and the last point of a finished run is the head).
 */
import * as Plot from '@observablehq/plot';
import { $, $select, api, el, enc, fix } from './dom.js';
import { PALETTE, PLOT_CLASS, figure } from './plot-charts.js';

/** @type {{experimentId: string | null, studies: any[], position: number | null, seq: number}} */
const shown = { experimentId: null, studies: [], position: null, seq: 0 };

const f4 = fix(4), f3 = fix(3);
/** @param {number | null | undefined} p */
const pText = (p) => (p === null || p === undefined ? '–' : p < 1e-4 ? p.toExponential(2) : p.toFixed(4));

/**
 * The experiment's studies at the head; hides the section when it has none.
 * @param {string} experimentId
 */
export async function loadStudies(experimentId) {
  const { studies } = await api('/api/experiments/' + enc(experimentId) + '/studies');
  shown.experimentId = experimentId;
  shown.studies = studies;
  const select = $select('study-select');
  const previous = select.value;
  select.replaceChildren(...studies.map((/** @type {any} */ s) => el('option', { value: s.studyId, text: s.studyId + ' (' + s.status + ', ' + s.n + ' pairs)' })));
  if (studies.some((/** @type {any} */ s) => s.studyId === previous)) select.value = previous;
  else if (studies.length) select.value = studies[studies.length - 1].studyId;
  $('studies').hidden = studies.length === 0;
}

/** Redraws the chosen study as of `position` (null: the head). @param {number | null} position */
export async function showStudy(position) {
  shown.position = position;
  if (!shown.studies.length) return;
  const studyId = $select('study-select').value;
  const seq = ++shown.seq;
  const body = $('study-body');
  const listed = shown.studies.find((s) => s.studyId === studyId);
  if (position !== null && listed && position < listed.startedPosition) {
    // The study started after the slider's point: say so rather than show its later numbers (or ask for a 404).
    body.dataset.position = String(position);
    $('study-meta').textContent = 'not started as of position ' + position + ' (started at position ' + listed.startedPosition + ')';
    body.replaceChildren(el('p', { class: 'muted', 'data-testid': 'study-not-yet', text: 'Study ' + studyId + ' was started after this point in history.' }));
    return;
  }
  try {
    const result = await api('/api/studies/' + enc(studyId) + (position === null ? '' : '?asOfPosition=' + position));
    if (seq !== shown.seq) return;
    const r = result.report;
    body.dataset.studyId = studyId;
    body.dataset.position = String(result.position);
    $('study-meta').textContent = r.status + ' · ' + r.n + ' of ' + r.topK + ' pairs · top ' + r.topK + ' by proxy accuracy from ' + r.from +
      ' · ' + r.training.epochs + ' epochs · proxy seeds ' + r.training.proxySeeds.join(', ') + ' · as of position ' + result.position;
    body.replaceChildren(scatter(r), numbers(r), pairsTable(r));
  } catch (error) {
    if (seq === shown.seq) throw error;
  }
}

/** @param {any} r the report */
function scatter(r) {
  const pairs = r.pairs.filter((/** @type {any} */ p) => p.fullAccuracy !== null);
  const values = pairs.flatMap((/** @type {any} */ p) => [p.proxyAccuracy, p.fullAccuracy]);
  const lo = Math.max(0, Math.min(1, ...values) - 0.02), hi = Math.min(1, Math.max(0, ...values) + 0.02);
  const chart = Plot.plot({
    className: PLOT_CLASS, width: 460, height: 380, marginLeft: 56, marginBottom: 40,
    x: { domain: [lo, hi], label: 'proxy (first-epoch) accuracy', grid: true },
    y: { domain: [lo, hi], label: 'full-training accuracy (' + r.training.epochs + ' epochs)', grid: true },
    marks: [
      Plot.line([[lo, lo], [hi, hi]], { stroke: '#9aa3af', strokeDasharray: '4 4' }),
      Plot.dot(pairs, { x: 'proxyAccuracy', y: 'fullAccuracy', r: 4.5, fill: PALETTE[0], fillOpacity: 0.85, stroke: 'white', className: 'nl-pair',
        title: (/** @type {any} */ p) => '#' + p.rank + ' ' + p.candidateId + ' · proxy ' + f4(p.proxyAccuracy) + ' · full ' + f4(p.fullAccuracy) +
          (p.proxyRerunMean === null ? '' : ' · proxy re-run mean ' + f4(p.proxyRerunMean)) }),
    ],
  });
  return figure('study-scatter', 'Proxy vs full training: ' + pairs.length + ' pairs', chart, { points: pairs.length, pending: r.pairs.length - pairs.length },
    [['candidate', PALETTE[0]], ['y = x', '#9aa3af']]);
}

/** @param {any} r the report */
function numbers(r) {
  const corr = (/** @type {string} */ key, /** @type {string} */ name, /** @type {any} */ c) =>
    [key, name, f3(c.coefficient), 'p = ' + pText(c.pValue) + (c.coefficient === null ? ' (' + c.method + ')' : '')];
  const b = r.bonferroni;
  const rows = [
    ['n', 'pairs (full training passed)', String(r.n), r.progress.fullTrains + ' full trainings, ' + r.progress.proxyReruns + ' proxy re-runs recorded'],
    ['snr', 'SNR = σ²_A / σ²_ε', r.snr === null ? '–' : f3(r.snr),
      r.noise ? 'σ²_A ' + r.noise.architectureVariance.toExponential(2) + ', σ²_ε ' + r.noise.noiseVariance.toExponential(2) + ', F p = ' + pText(r.noise.fPValue)
        : 'needs two candidates with two proxy runs'],
    corr('pearson', 'Pearson r', r.pearson),
    corr('spearman', 'Spearman ρ_S', r.spearman),
    corr('kendall', 'Kendall τ-b', r.kendall),
    ['predicted', 'predicted ρ_S = (6/π)·asin(r/2)', f3(r.predictedSpearman),
      r.predictedSpearman === null || r.spearman.coefficient === null ? '' : 'measured − predicted = ' + f3(r.spearman.coefficient - r.predictedSpearman)],
    ['bonferroni', 'Bonferroni over ' + b.m + ' stud' + (b.m === 1 ? 'y' : 'ies') + ' (α = ' + b.alpha + ')', b.survives ? 'survives' : 'does not survive',
      'adjusted Spearman p = ' + pText(b.adjustedP)],
  ];
  return el('div', { class: 'table-wrap' }, [el('table', { 'data-testid': 'study-numbers', class: 'study-numbers' }, [
    el('caption', { class: 'sr-only', text: 'The study\'s statistics' }),
    el('thead', {}, [el('tr', {}, ['Statistic', 'Value', ''].map((h, i) => el('th', { scope: 'col', class: i === 1 ? 'num' : null, text: h })))]),
    el('tbody', {}, rows.map(([key, name, value, note]) => el('tr', { 'data-key': key }, [
      el('th', { scope: 'row', text: name }),
      el('td', { class: 'num' + (key === 'bonferroni' ? (b.survives ? ' verified' : ' unverified') : ''), 'data-testid': 'study-' + key, text: value }),
      el('td', { class: 'muted', text: note }),
    ]))),
  ])]);
}

/** @param {any} r the report */
function pairsTable(r) {
  return el('details', { class: 'numbers' }, [
    el('summary', { text: 'pairs (proxy_full_pairs.csv)' }),
    el('div', { class: 'table-wrap' }, [el('table', { 'data-testid': 'study-pairs' }, [
      el('thead', {}, [el('tr', {}, ['rank', 'candidate', 'proxy', 'full', 'proxy re-run mean', 're-run variance'].map((h, i) =>
        el('th', { scope: 'col', class: i > 1 ? 'num' : null, text: h })))]),
      el('tbody', {}, r.pairs.map((/** @type {any} */ p) => el('tr', {}, [
        el('td', { text: p.rank }), el('td', {}, [el('code', { text: p.candidateId })]),
        el('td', { class: 'num', text: f4(p.proxyAccuracy) }), el('td', { class: 'num', text: p.fullAccuracy === null ? (p.fullTrainStage || 'pending') : f4(p.fullAccuracy) }),
        el('td', { class: 'num', text: f4(p.proxyRerunMean) }), el('td', { class: 'num', text: p.proxyRerunVariance === null ? '–' : p.proxyRerunVariance.toExponential(2) }),
      ]))),
    ])]),
  ]);
}
