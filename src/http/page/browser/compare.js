// @ts-check
/*
 * Compare experiments: tick several (an ablation's variants, seeds of one config) and one statistic; their per-cycle
 * trajectories at the head are overlaid on one chart. The choice is kept in the address (compare=a,b&metric=…).
 */
import { $, $select, api, el, enc, showError } from './dom.js';
import { compareChart } from './plot-charts.js';

export const METRICS = [
  { key: 'meanAccuracy', label: 'mean accuracy' }, { key: 'bestAccuracy', label: 'best accuracy' },
  { key: 'validRate', label: 'valid rate', percent: true }, { key: 'eliteConcentration', label: 'elite concentration', percent: true },
  { key: 'novelty', label: 'novelty (1 − J_train)' }, { key: 'diversity', label: 'diversity' }, { key: 'corpusSize', label: 'corpus size' },
];

/** @type {Set<string>} */
const picked = new Set();
let seq = 0;

/** The experiments ticked for comparison. */
export const comparedIds = () => [...picked];

/**
 * Lists the experiments as checkboxes (keeping what was ticked) and redraws the overlay.
 * @param {any[]} experiments from /api/experiments
 * @param {string[]} [initial] ids to tick the first time
 */
export function renderCompare(experiments, initial) {
  if (initial) for (const id of initial) picked.add(id);
  for (const id of [...picked]) if (!experiments.some((e) => e.experimentId === id)) picked.delete(id);
  const select = $select('compare-metric');
  if (select.options.length === 0) {
    select.replaceChildren(...METRICS.map((m) => el('option', { value: m.key, text: m.label })));
    select.addEventListener('change', () => { redraw(experiments).catch(showError); });
  }
  $('compare-list').replaceChildren(...experiments.map((e) => el('li', {}, [el('label', {}, [
    el('input', { type: 'checkbox', value: e.experimentId, 'data-testid': 'compare-pick', checked: picked.has(e.experimentId),
      onchange: (/** @type {Event} */ event) => {
        const box = /** @type {HTMLInputElement} */ (event.target);
        if (box.checked) picked.add(box.value); else picked.delete(box.value);
        redraw(experiments).catch(showError);
      } }),
    ' ' + (e.name === e.experimentId ? e.experimentId : e.name + ' (' + e.experimentId + ')'),
  ])])));
  return redraw(experiments);
}

/** @param {any[]} experiments */
async function redraw(experiments) {
  const mine = ++seq;
  const box = $('compare-chart');
  const metric = METRICS.find((m) => m.key === $select('compare-metric').value) || METRICS[0];
  if (picked.size === 0) {
    box.replaceChildren(el('p', { class: 'muted', text: 'Tick two or more experiments to overlay their trajectories.' }));
    return;
  }
  const ids = experiments.map((e) => e.experimentId).filter((id) => picked.has(id));
  const stats = await Promise.all(ids.map((id) => api('/api/experiments/' + enc(id) + '/stats')));
  if (mine !== seq) return;
  const series = ids.map((id, i) => {
    const e = experiments.find((x) => x.experimentId === id);
    return { experimentId: id, label: e && e.name !== id ? e.name + ' (' + id + ')' : id, rows: stats[i].cycles };
  });
  box.replaceChildren(compareChart(series, metric));
}
