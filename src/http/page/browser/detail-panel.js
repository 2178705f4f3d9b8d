// @ts-check
/*
 * The panel for one candidate, architecture or seed entry: why it was not admitted, its code (highlighted), a diff
 * against its parent or its nearest corpus neighbour, its events and the generator chain behind it, all as of the
 * slider's point. Provenance comes from /api/provenance/:id, the record and source text from /api/show/:id.
 */
import { $, api, el, enc, fix, short } from './dom.js';
import { changedLines, codeBlock, diffBlock } from './code-view.js';
import { whyNot } from './why-not.js';

/**
 * @typedef {{ withAsOf: (path: string, extra?: Record<string, string>) => string, asOfCycle: number | null, threshold: number,
 *   experimentId: string, rowFor: (id: string) => any, open: (id: string) => void, close: () => void }} DetailContext
 */

let seq = 0;
/** @type {Map<string, Promise<any>>} show answers by id and as-of query, so flipping between views fetches once */
const shown = new Map();

/** @param {DetailContext} ctx @param {string} id @returns {Promise<any>} the show record, or null if there is none */
function fetchShow(ctx, id) {
  // Seed ids (seed:…) and architecture ids can exist in several experiments: name the one on screen.
  const path = ctx.withAsOf('/api/show/' + enc(id), { experiment: ctx.experimentId });
  if (!shown.has(path)) shown.set(path, api(path).catch(() => null));
  return /** @type {Promise<any>} */ (shown.get(path));
}

/** @param {any} e an event reference */
function refText(e) {
  return '#' + e.position + ' ' + e.type + ' — ' + e.streamId + '@' + e.streamVersion + ', hash ' + short(e.hash) + ', ' + e.recordedAt;
}

/**
 * Shows the panel for `id`; `quiet` keeps the focus and scroll where they are (a refresh, not a click).
 * @param {DetailContext} ctx
 * @param {string} id
 * @param {boolean} [quiet]
 */
export async function showDetail(ctx, id, quiet) {
  const panel = $('provenance');
  const mine = ++seq;
  const entryButton = (/** @type {any} */ m) => {
    const target = m.architectureId || m.entryId;
    return el('button', { type: 'button', class: 'linkish', text: target, 'aria-label': 'Show ' + target, onclick: () => ctx.open(target) });
  };
  let p, record;
  try {
    [p, record] = await Promise.all([api(ctx.withAsOf('/api/provenance/' + enc(id))), fetchShow(ctx, id)]);
  } catch (error) {
    if (mine !== seq) return;
    panel.replaceChildren(el('h2', { id: 'prov-title', text: 'Provenance of ' + id }),
      el('p', { role: 'alert', text: error instanceof Error ? error.message : String(error) }));
    panel.hidden = false;
    return;
  }
  if (mine !== seq) return;
  const s = p.subject;
  const row = ctx.rowFor(s.candidateId || id) || { status: s.status };
  const close = el('button', { type: 'button', class: 'linkish', text: 'close', onclick: () => ctx.close() });
  const parts = [
    el('div', { class: 'title-row' }, [el('h2', { id: 'prov-title', tabindex: '-1', 'data-testid': 'provenance-title' },
      ['Provenance of ', el('code', { text: p.id })]), close]),
    el('p', { class: 'muted', text: 'as of ' + (ctx.asOfCycle === null ? 'the head' : 'the end of cycle ' + ctx.asOfCycle) +
      ' (position ' + p.position + ' of ' + p.head + ')' }),
  ];
  const reason = whyNot({ ...row, status: s.status }, record, ctx.threshold);
  if (reason) parts.push(el('p', { class: 'why-not', 'data-testid': 'why-not', role: 'note', text: reason }));
  const evaluation = record && record.evaluation;
  parts.push(el('dl', { class: 'kv' }, [
    el('dt', { text: 'kind' }), el('dd', { text: s.kind }),
    el('dt', { text: 'status' }), el('dd', { text: s.status, 'data-testid': 'provenance-status' }),
    el('dt', { text: 'experiment' }), el('dd', { text: s.experimentId }),
    el('dt', { text: 'cycle' }), el('dd', { text: s.cycle === null ? '–' : s.cycle }),
    el('dt', { text: 'candidate' }), el('dd', { text: s.candidateId || '–' }),
    el('dt', { text: 'architecture' }), el('dd', { text: s.architectureId || '–' }),
    el('dt', { text: 'code hash' }), el('dd', {}, [el('code', { text: s.codeHash })]),
    ...(evaluation ? [
      el('dt', { text: 'accuracy / loss' }), el('dd', { text: fix(4)(evaluation.accuracy) + ' / ' + fix(4)(evaluation.loss) }),
      el('dt', { text: 'params / FLOPs' }), el('dd', { text: String(evaluation.params) + ' / ' + (evaluation.flops ?? '–') }),
      el('dt', { text: 'device' }), el('dd', { text: String(evaluation.device ?? '–') }),
    ] : []),
  ]));
  const code = codeOf(record);
  if (code !== null) parts.push(codeSection(ctx, code, p, record));
  if (p.candidateEvents.length) {
    parts.push(el('h3', { text: 'Its events' }),
      el('ol', { class: 'events', 'data-testid': 'provenance-events' }, p.candidateEvents.map((/** @type {any} */ e) => el('li', { text: refText(e) }))));
  }
  if (p.parent) {
    parts.push(el('p', {}, ['Parent (delta generation): ', p.parent.member ? entryButton(p.parent.member) : el('code', { text: p.parent.entryId })]));
  }
  if (p.generatorChain.length) parts.push(el('h3', { text: 'Generator chain (newest first)' }), chainList(p.generatorChain, entryButton));
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

/** @param {any} record @returns {string | null} */
function codeOf(record) {
  return record && typeof record.code === 'string' ? record.code : null;
}

/**
 * Code / diff against the parent / diff against the nearest neighbour, one shown at a time.
 * @param {DetailContext} ctx @param {string} code @param {any} p provenance @param {any} record show record
 */
function codeSection(ctx, code, p, record) {
  const name = p.subject.architectureId || p.subject.candidateId || p.id;
  const body = el('div', { class: 'code-body' }, [codeBlock(code, 'source of ' + name)]);
  const parentId = p.parent ? p.parent.entryId : null;
  const nearest = record && (record.nearest || (record.novelty && record.novelty.nearestTrainId ? { entryId: record.novelty.nearestTrainId } : null));
  const nearestId = nearest ? nearest.entryId : null;
  const tabs = el('div', { class: 'tabs', role: 'group', 'aria-label': 'What to show' });
  /** @param {string} testid @param {string} label @param {() => Promise<HTMLElement>} render */
  const tab = (testid, label, render) => {
    const button = el('button', { type: 'button', class: 'tab', 'data-testid': testid, 'aria-pressed': testid === 'show-code' ? 'true' : 'false', text: label,
      onclick: async () => {
        for (const b of tabs.children) b.setAttribute('aria-pressed', b === button ? 'true' : 'false');
        body.replaceChildren(el('p', { class: 'muted', text: 'loading…' }));
        try { body.replaceChildren(await render()); } catch (error) { body.replaceChildren(el('p', { role: 'alert', text: String(error) })); }
      } });
    tabs.append(button);
  };
  /** @param {string} otherId @param {string} relation */
  const diffAgainst = async (otherId, relation) => {
    const known = otherId === parentId && record.parent && typeof record.parent.code === 'string' ? record.parent.code : null;
    const other = known ?? codeOf(await fetchShow(ctx, otherId));
    if (other === null) return el('p', { class: 'muted', text: 'The ledger holds no source text for ' + otherId + ' at this point.' });
    const { added, removed } = changedLines(other, code);
    return el('div', {}, [
      el('p', { class: 'muted', 'data-testid': 'diff-summary', text: 'Against its ' + relation + ' ' + otherId +
        (otherId === nearestId && typeof nearest.jaccard === 'number' ? ' (Jaccard ' + fix(3)(nearest.jaccard) + ')' : '') +
        ': +' + added + ' −' + removed + ' lines' }),
      diffBlock({ name: otherId, code: other }, { name, code }),
    ]);
  };
  tab('show-code', 'Code', async () => codeBlock(code, 'source of ' + name));
  if (parentId) tab('show-diff-parent', 'Diff vs parent', () => diffAgainst(parentId, 'parent'));
  if (nearestId && nearestId !== parentId) tab('show-diff-nearest', 'Diff vs nearest neighbour', () => diffAgainst(nearestId, 'nearest corpus neighbour'));
  return el('section', { class: 'code-section', 'aria-label': 'Code' }, [el('h3', { text: 'Code' }), tabs, body]);
}

/** @param {any[]} chain @param {(m: any) => HTMLElement} entryButton */
function chainList(chain, entryButton) {
  return el('ol', { class: 'chain', 'data-testid': 'provenance-chain' }, chain.map((step) => {
    if (step.kind === 'initial') {
      return el('li', { 'data-step': 'initial', text: 'initial generator ' + step.generator.id + '@' + short(step.generator.version) +
        (step.firstUsedIn ? ', first used by ' + refText(step.firstUsedIn) : '') });
    }
    const added = el('span', {}, step.corpusEntriesAdded.length
      ? step.corpusEntriesAdded.flatMap((/** @type {any} */ m, /** @type {number} */ i) => (i ? [', ', entryButton(m)] : [entryButton(m)]))
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
  }));
}

/** New events at the head: show answers asked without an as-of point may have changed. */
export function forgetShown() {
  shown.clear();
}
