// @ts-check
/*
 * The dashboard's entry point, bundled with the libraries by scripts/build-dashboard.mjs and inlined in the page.
 * Everything shown comes from the JSON API, as of the slider's point; the server pushes new heads (live.js).
 * Type-checked by tsc with checkJs (src/http/page/browser/tsconfig.json, part of `npm run lint`).
 */
import { $, $input, $select, api, el, enc, fix, showError } from './dom.js';
import { renderTrendCharts } from './trend-charts.js';
import { accuracyDistribution, rejectionsByStage } from './plot-charts.js';
import { renderLineageGraph } from './lineage-graph.js';
import { forgetShown, showDetail } from './detail-panel.js';
import { whyNotShort } from './why-not.js';
import { renderCompare } from './compare.js';
import { followHead } from './live.js';
import { closeGroup, openGroup, openGroupId, showGroupAsOf } from './group-view.js';
import { loadStudies, showStudy } from './study-view.js';

const REJECTION_STAGES = ['parse', 'policy', 'instantiate', 'contract', 'budget', 'forward', 'train', 'timeout', 'sandbox', 'diff-apply'];

/**
 * What the page shows; API payloads are plain JSON (typed loosely, checked where used).
 * @type {{experiments: any[], exp: string | null, head: number | null, headStats: any, completed: number, hasRunning: boolean,
 *   asOf: {cycle: number | null}, candidates: any[], candCycle: number | null, detailId: string | null, seq: number}}
 */
const state = {
  experiments: [], exp: null, head: null, headStats: null, completed: 0, hasRunning: false,
  asOf: { cycle: null }, candidates: [], candCycle: null, detailId: null, seq: 0,
};

/** @param {string} path @param {Record<string, string>} [extra] */
function withAsOf(path, extra) {
  const params = new URLSearchParams(extra || {});
  if (state.asOf.cycle !== null) params.set('asOfCycle', String(state.asOf.cycle));
  const qs = params.toString();
  return qs ? path + '?' + qs : path;
}
const detailContext = () => ({
  withAsOf, asOfCycle: state.asOf.cycle, experimentId: /** @type {string} */ (state.exp), threshold: state.headStats ? state.headStats.threshold : 0,
  rowFor: (/** @type {string} */ id) => state.candidates.find((c) => c.candidateId === id) || null, open: openDetail, close: closeDetail,
});
/** Closes the candidate panel for good: a later refresh (the slider, new events) must not bring it back. */
function closeDetail() {
  state.detailId = null;
  $('provenance').hidden = true;
}
/** @param {string} id */
function openDetail(id) {
  state.detailId = id;
  showDetail(detailContext(), id).catch(showError);
}

// ---- experiments ----
async function loadExperiments() {
  const list = await api('/api/experiments');
  state.head = list.head;
  $('head').textContent = 'ledger head: position ' + list.head;
  state.experiments = list.experiments;
  $('experiments').replaceChildren(...list.experiments.map((/** @type {any} */ e) => el('li', {}, [el('button', {
    type: 'button', class: 'exp', 'data-testid': 'experiment-item', 'data-experiment-id': e.experimentId,
    'aria-current': e.experimentId === state.exp ? 'true' : 'false', onclick: () => { selectExperiment(e.experimentId).catch(showError); },
  }, [
    el('span', { class: 'name', text: e.name === e.experimentId ? e.experimentId : e.name + ' (' + e.experimentId + ')' }),
    el('span', { class: 'meta', text: e.status + ' · ' + e.cyclesDone + '/' + e.cyclesPlanned + ' cycles · ' +
      e.candidates + ' candidates · ' + e.admitted + ' admitted' + reviewsText(e) }),
  ])])));
  $('experiments').removeAttribute('aria-busy');
  $('no-experiments').hidden = list.experiments.length > 0;
  return list.experiments;
}

// ---- groups (replicate, ablate --seeds): their own page, group-view.js ----
const EXPERIMENT_SECTIONS = ['overview', 'charts', 'candidates', 'insights', 'provenance', 'studies'];
async function loadGroups() {
  const { groups } = await api('/api/groups');
  $('groups').replaceChildren(...groups.map((/** @type {any} */ g) => el('li', {}, [el('button', {
    type: 'button', class: 'exp', 'data-testid': 'group-item', 'data-group-id': g.groupId, 'aria-current': g.groupId === openGroupId() ? 'true' : 'false',
    onclick: () => { selectGroup(g.groupId).catch(showError); },
  }, [
    el('span', { class: 'name', text: g.groupId }),
    el('span', { class: 'meta', text: g.members.length + ' runs · seeds ' + g.seeds.join(', ') +
      (g.variants.length > 1 || g.variants[0] !== '' ? ' · ' + g.variants.length + ' variants' : '') }),
  ])])));
  $('no-groups').hidden = groups.length > 0;
  return groups;
}

/** @param {string} id @param {number} [startCycle] */
async function selectGroup(id, startCycle) {
  state.exp = null;
  closeDetail();
  for (const b of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('.exp'))) b.setAttribute('aria-current', b.dataset.groupId === id ? 'true' : 'false');
  for (const box of EXPERIMENT_SECTIONS) $(box).hidden = true;
  $('group').hidden = false;
  showError(null);
  await openGroup(id, false, startCycle);
}

/**
 * @param {string} id
 * @param {boolean} [keepLatest] a refresh: stay at the latest point if the slider was there, else where it was
 * @param {number} [startCycle]
 */
async function selectExperiment(id, keepLatest, startCycle) {
  const slider = $input('asof-slider');
  const wasLatest = keepLatest && Number(slider.value) >= Number(slider.max);
  // The panel shows a candidate of the experiment it was opened in; asked again under another one, it is not there.
  if (id !== state.exp) closeDetail();
  state.exp = id;
  closeGroup();
  $('group').hidden = true;
  for (const b of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('.exp'))) b.setAttribute('aria-current', b.dataset.experimentId === id ? 'true' : 'false');
  if (!keepLatest) showError(null);
  const stats = await api('/api/experiments/' + enc(id) + '/stats');
  if (state.exp !== id) return;
  state.headStats = stats;
  const done = stats.cycles.filter((/** @type {any} */ c) => c.completed).map((/** @type {any} */ c) => c.cycle);
  state.completed = done.length ? Math.max(...done) : 0;
  const summary = state.experiments.find((e) => e.experimentId === id);
  state.hasRunning = stats.cycles.some((/** @type {any} */ c) => !c.completed) || (state.completed === 0 && (!summary || summary.status === 'running'));
  $('exp-title').textContent = summary ? summary.name : id;
  const max = Math.max(1, state.completed + (state.hasRunning ? 1 : 0));
  slider.min = '1';
  slider.max = String(max);
  if (!keepLatest || wasLatest || Number(slider.value) > max) slider.value = String(max);
  if (startCycle !== undefined && startCycle >= 1 && startCycle <= state.completed) slider.value = String(startCycle);
  slider.disabled = max === 1;
  for (const box of ['overview', 'charts', 'candidates', 'insights']) $(box).hidden = false;
  await loadStudies(id);
  await showAsOf();
}

// ---- time travel ----
function sliderPoint() {
  const v = Number($input('asof-slider').value);
  return v <= state.completed ? { cycle: v } : { cycle: null };
}
/** @param {{cycle: number | null}} point @param {any} result */
function asOfText(point, result) {
  const where = point.cycle !== null
    ? 'end of cycle ' + point.cycle + ' of ' + state.completed
    : 'head' + (state.hasRunning && state.completed > 0 ? ' (cycle ' + (state.completed + 1) + ' running)' : '');
  return result ? where + ' · position ' + result.position + ' of ' + result.head : where;
}

/**
 * The experiment's state at the shown point, not at the head: at cycle 2 of a finished 3-cycle run it is running,
 * 2 of 3 cycles done. Asked of /api/experiments at the point's position.
 * @param {number} position
 */
async function showStatusAsOf(position) {
  const now = state.experiments.find((e) => e.experimentId === state.exp);
  // At the last point of a finished run the slider shows its last cycle, but nothing happens after it but the end.
  const atEnd = !state.hasRunning && state.asOf.cycle === state.completed;
  const list = atEnd ? null : await api('/api/experiments?asOfPosition=' + position);
  const then = list ? list.experiments.find((/** @type {any} */ e) => e.experimentId === state.exp) : now;
  if (!then) return;
  const meta = $('exp-meta');
  meta.dataset.status = then.status;
  meta.textContent = then.status + ' · ' + then.cyclesDone + ' of ' + then.cyclesPlanned + ' cycles done' +
    (state.asOf.cycle === null || atEnd ? '' : ' as of cycle ' + state.asOf.cycle) +
    (now && (now.status !== then.status || now.cyclesDone !== then.cyclesDone) ? ' (at the head: ' + now.status + ', ' + now.cyclesDone + ' cycles)' : '') +
    ' · admission threshold τ = ' + state.headStats.threshold + reviewsText(then);
}

/**
 * ` · 4 reviewed, 4 reproduced`: the experiment's reproducibility reviews (the `reviews` key of /api/experiments,
 * counted over each candidate's latest verdict), or nothing when it has none.
 * @param {any} e an entry of /api/experiments
 */
function reviewsText(e) {
  const reviews = e.reviews;
  if (!reviews || !reviews.reviewed) return '';
  return ' · ' + reviews.reviewed + ' reviewed, ' + reviews.reproduced + ' reproduced';
}

async function showAsOf() {
  const point = sliderPoint();
  state.asOf = { cycle: point.cycle };
  const label = $('asof-label');
  label.textContent = asOfText(point, null);
  label.dataset.asofCycle = point.cycle === null ? 'head' : String(point.cycle);
  $('asof-slider').setAttribute('aria-valuetext', asOfText(point, null));
  // The address names what is shown, so a view can be bookmarked or sent.
  history.replaceState(null, '', '#experiment=' + enc(/** @type {string} */ (state.exp)) + (point.cycle !== null ? '&asOfCycle=' + point.cycle : ''));
  const seq = ++state.seq;
  try {
    const base = '/api/experiments/' + enc(/** @type {string} */ (state.exp));
    const [result, cands] = await Promise.all([api(withAsOf(base + '/stats')), api(withAsOf(base + '/candidates'))]);
    if (seq !== state.seq) return; // a later slider position already asked
    label.textContent = asOfText(point, result);
    label.dataset.position = String(result.position);
    state.candidates = cands.candidates;
    const xmax = Math.max(1, state.headStats.cycles.length);
    $('charts').replaceChildren(...renderTrendCharts(result.cycles, state.headStats.cycles, state.headStats.threshold, setCandCycle));
    $('distributions').replaceChildren(accuracyDistribution(state.candidates, xmax, state.headStats.threshold),
      rejectionsByStage(state.candidates, xmax, REJECTION_STAGES));
    fillCycleSelect(result.cycles);
    renderCandidates();
    // A study has no cycles: it is shown as of the slider's position, and at a finished run's last point as of the head.
    const atEnd = point.cycle === null || (!state.hasRunning && point.cycle === state.completed);
    await Promise.all([showStatusAsOf(result.position), renderGraph(seq), showStudy(atEnd ? null : result.position)]);
    showError(null);
    if (state.detailId) await showDetail(detailContext(), state.detailId, true);
  } catch (error) {
    if (seq === state.seq) showError(error);
  }
}

/** The graph needs the generator chain: the provenance of the latest candidate at this point names it. @param {number} seq */
async function renderGraph(seq) {
  const latest = state.candidates.reduce((a, c) => (!a || c.cycle > a.cycle || (c.cycle === a.cycle && c.index > a.index) ? c : a), null);
  const p = latest ? await api(withAsOf('/api/provenance/' + enc(latest.candidateId))) : null;
  if (seq !== state.seq) return;
  renderLineageGraph($('lineage'), { candidates: state.candidates, chain: p ? p.generatorChain : [], seedCorpus: p ? p.seedCorpus : null,
    onCycle: setCandCycle, onOpen: openDetail });
}

// ---- candidates ----
/** @param {any[]} rows */
function fillCycleSelect(rows) {
  const select = $select('cand-cycle');
  const max = rows.length ? rows[rows.length - 1].cycle : 0;
  if (state.candCycle === null || state.candCycle > max) state.candCycle = max || null;
  select.replaceChildren(...rows.map((row) => el('option', { value: row.cycle, text: 'cycle ' + row.cycle + (row.completed ? '' : ' (running)'),
    selected: row.cycle === state.candCycle })));
  select.disabled = rows.length === 0;
}
/** @param {number} cycle */
function setCandCycle(cycle) {
  state.candCycle = cycle;
  $select('cand-cycle').value = String(cycle);
  renderCandidates();
}

function renderCandidates() {
  const body = $('cand-body');
  if (state.candCycle === null) {
    body.replaceChildren();
    $('cand-summary').textContent = 'no cycle at this point';
    return;
  }
  const rows = state.candidates.filter((c) => c.cycle === state.candCycle);
  const admitted = rows.filter((c) => c.admitted).length, rejected = rows.filter((c) => c.status === 'rejected').length;
  $('cand-summary').textContent = rows.length + ' candidates · ' + admitted + ' admitted · ' + rejected + ' rejected';
  body.replaceChildren(...rows.map((c) => el('tr', {
    class: c.admitted ? 'admitted' : null, 'data-testid': 'candidate-row', 'data-status': c.status, 'data-candidate-id': c.candidateId,
  }, [
    el('td', {}, [el('button', { type: 'button', class: 'linkish', 'data-testid': 'candidate-link', 'data-candidate-id': c.candidateId,
      'aria-label': 'Show candidate ' + c.candidateId + ': code, provenance and why', text: c.candidateId, onclick: () => openDetail(c.candidateId) })]),
    el('td', { class: 'num', text: c.index }),
    el('td', {}, [el('span', { class: 'badge ' + (c.admitted ? 'admitted' : c.status === 'rejected' ? 'rejected' : ''), text: c.status.replace('_', ' ') })]),
    el('td', { class: 'why', text: whyNotShort(c), 'data-testid': 'candidate-why' }),
    el('td', { class: 'num', text: fix(4)(c.accuracy) }),
    el('td', { class: 'num', text: fix(3)(c.jTrain) }),
    el('td', {}, [c.architectureId ? el('code', { text: c.architectureId }) : '–']),
  ])));
}

// ---- wiring ----
// Dragging fires many input events: ask for the point where the slider comes to rest (stale answers are dropped too).
let sliderTimer = /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined);
$('asof-slider').addEventListener('input', () => {
  clearTimeout(sliderTimer);
  sliderTimer = setTimeout(showAsOf, 60);
});
let groupSliderTimer = /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined);
$('group-slider').addEventListener('input', () => {
  clearTimeout(groupSliderTimer);
  groupSliderTimer = setTimeout(showGroupAsOf, 60);
});
$('study-select').addEventListener('change', () => { showAsOf().catch(showError); });
$('cand-cycle').addEventListener('change', (event) => setCandCycle(Number(/** @type {HTMLSelectElement} */ (event.target).value)));

/** New events: refresh the list, and the open experiment if they touched it (it follows the head if the slider is there). */
let refreshing = Promise.resolve();
/** @param {number} head @param {string[] | null} touched */
function onHead(head, touched) {
  refreshing = refreshing.then(async () => {
    if (head === state.head) return;
    forgetShown();
    const experiments = await loadExperiments();
    await loadGroups();
    const groupId = openGroupId();
    if (groupId !== null) await openGroup(groupId, true);
    else if (state.exp && (touched === null || touched.includes(state.exp))) await selectExperiment(state.exp, true);
    else if (!state.exp && experiments[0]) await selectExperiment(experiments[0].experimentId);
    await renderCompare(experiments);
  }).catch(() => undefined); // the next event retries; a real failure shows on the next user action
}

(async () => {
  try {
    const experiments = await loadExperiments();
    const groups = await loadGroups();
    const wanted = new URLSearchParams(location.hash.slice(1));
    const pick = experiments.find((/** @type {any} */ e) => e.experimentId === wanted.get('experiment')) || experiments[0];
    const wantedGroup = groups.find((/** @type {any} */ g) => g.groupId === wanted.get('group'));
    if (wantedGroup) await selectGroup(wantedGroup.groupId, Number(wanted.get('asOfCycle')));
    else if (pick) await selectExperiment(pick.experimentId, false, pick.experimentId === wanted.get('experiment') ? Number(wanted.get('asOfCycle')) : 0);
    await renderCompare(experiments, pick ? [pick.experimentId] : []);
    document.body.dataset.ready = 'true';
    followHead(onHead);
  } catch (error) {
    showError(error);
    document.body.dataset.ready = 'error';
  }
})();
