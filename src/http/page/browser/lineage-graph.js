// @ts-check
/*
 * The provenance graph of one experiment as of the slider's point: seed corpus → fine-tunes → generator versions →
 * each cycle's candidates → admitted architectures, and the admitted ones back into the fine-tunes that trained on
 * them. Drawn by cytoscape on a time axis (one column per cycle, one lane per kind), so the loop reads left to right.
 * Every node is also a visually hidden button (keyboard and screen readers; the tests click the canvas by its
 * data-x / data-y).
 */
import cytoscape from 'cytoscape';
import { el, short } from './dom.js';

const COLUMN = 150;
const LANE = { corpus: 0, finetune: 70, generator: 140, cycle: 230, admitted: 320 };
const COLOURS = { seed: '#0f766e', finetune: '#7c3aed', generator: '#1f5fbf', cycle: '#5b6472', admitted: '#067647' };

/** @type {cytoscape.Core | null} */
let cy = null;

/**
 * @typedef {{ candidates: any[], chain: any[], seedCorpus: any, onCycle: (cycle: number) => void, onOpen: (id: string) => void }} GraphInput
 */

/**
 * Nodes and edges of the lineage at one point in history.
 * @param {GraphInput} input
 * @returns {cytoscape.ElementDefinition[]}
 */
export function lineageElements({ candidates, chain, seedCorpus }) {
  /** @type {cytoscape.ElementDefinition[]} */
  const out = [];
  /** @param {string} id @param {keyof typeof COLOURS} kind @param {string} label @param {number} x @param {number} y @param {object} [extra] */
  const node = (id, kind, label, x, y, extra) => out.push({ group: 'nodes', data: { id, kind, label, ...extra }, position: { x, y } });
  /** @param {string} source @param {string} target @param {string} label */
  const edge = (source, target, label) => out.push({ group: 'edges', data: { id: source + '→' + target, source, target, label } });
  if (seedCorpus) node('seed', 'seed', 'seed corpus\n' + seedCorpus.entries + ' entries', 0, LANE.corpus);
  const initial = chain.find((s) => s.kind === 'initial');
  const fineTunes = chain.filter((s) => s.kind === 'fine-tuned').sort((a, b) => a.cycle - b.cycle);
  /** @type {Array<{from: number, id: string}>} which generator version wrote each cycle: the last fine-tune before it */
  const writers = [];
  if (initial) {
    const id = 'gen:' + initial.generator.version;
    node(id, 'generator', 'generator\n@' + short(initial.generator.version).slice(0, 8), COLUMN, LANE.generator);
    if (seedCorpus) edge('seed', id, 'prompts from');
    writers.push({ from: 1, id });
  }
  for (const step of fineTunes) {
    const ft = 'ft:' + step.cycle, gen = 'gen:' + step.generator.version;
    node(ft, 'finetune', 'fine-tune\nafter cycle ' + step.cycle, (step.cycle + 0.5) * COLUMN, LANE.finetune);
    node(gen, 'generator', 'generator\n@' + short(step.generator.version).slice(0, 8), (step.cycle + 1) * COLUMN, LANE.generator);
    edge('gen:' + step.from.version, ft, 'fine-tuned');
    edge(ft, gen, 'produced');
    if (seedCorpus) edge('seed', ft, 'trained on');
    writers.push({ from: step.cycle + 1, id: gen });
  }
  const ids = new Set(out.map((e) => e.data.id));
  const cycles = [...new Set(candidates.map((c) => c.cycle))].sort((a, b) => a - b);
  for (const cycle of cycles) {
    const rows = candidates.filter((c) => c.cycle === cycle);
    const admitted = rows.filter((c) => c.admitted);
    const id = 'cycle:' + cycle;
    node(id, 'cycle', 'cycle ' + cycle + '\n' + rows.length + ' candidates', cycle * COLUMN, LANE.cycle, { cycle });
    const writer = writers.filter((w) => w.from <= cycle).pop();
    if (writer && ids.has(writer.id)) edge(writer.id, id, 'wrote');
    admitted.forEach((c, i) => {
      const arch = 'arch:' + c.candidateId;
      node(arch, 'admitted', c.architectureId || c.candidateId, cycle * COLUMN, LANE.admitted + i * 42, { candidateId: c.candidateId });
      edge(id, arch, 'admitted');
      const into = fineTunes.find((s) => s.corpusEntriesAdded.some((/** @type {any} */ m) => m.candidateId === c.candidateId || m.entryId === c.candidateId));
      if (into) edge(arch, 'ft:' + into.cycle, 'trained on');
    });
  }
  return out;
}

/**
 * Draws (or redraws) the graph into `box`, with a hidden button per node listing where it sits on the canvas.
 * @param {HTMLElement} box the figure to fill
 * @param {GraphInput} input
 */
export function renderLineageGraph(box, input) {
  const elements = lineageElements(input);
  const canvas = el('div', { class: 'graph', 'data-testid': 'lineage-canvas' });
  const nodeList = el('ul', { class: 'sr-only', 'data-testid': 'graph-nodes' });
  const selection = el('p', { class: 'muted', 'data-testid': 'graph-selection', 'aria-live': 'polite', text: 'Click a cycle for its candidates, an architecture for its code.' });
  const count = (/** @type {string} */ kind) => elements.filter((e) => e.group === 'nodes' && e.data.kind === kind).length;
  box.replaceChildren(el('figcaption', { text: 'Provenance graph' }),
    el('div', { class: 'legend', 'aria-hidden': 'true' }, Object.entries(COLOURS).map(([kind, colour]) => {
      const item = el('span', { text: kind === 'finetune' ? 'fine-tune' : kind });
      item.style.setProperty('--c', colour);
      return item;
    })), canvas, selection, nodeList);
  box.dataset.nodes = String(elements.filter((e) => e.group === 'nodes').length);
  box.dataset.edges = String(elements.filter((e) => e.group === 'edges').length);
  box.dataset.cycles = String(count('cycle'));
  box.dataset.admitted = String(count('admitted'));
  if (cy) cy.destroy();
  cy = cytoscape({
    container: canvas, elements, layout: { name: 'preset', fit: true, padding: 24 }, autoungrabify: true, boxSelectionEnabled: false,
    minZoom: 0.2, maxZoom: 2.5, wheelSensitivity: 0.3,
    style: [
      { selector: 'node', style: { label: 'data(label)', 'text-wrap': 'wrap', 'font-size': 10, 'text-valign': 'center', 'text-halign': 'center',
        color: '#fff', shape: 'round-rectangle', width: 104, height: 34, 'background-color': '#5b6472' } },
      ...Object.entries(COLOURS).map(([kind, colour]) => ({ selector: 'node[kind="' + kind + '"]', style: { 'background-color': colour } })),
      { selector: 'node[kind="admitted"]', style: { 'font-size': 8, height: 26 } },
      { selector: 'edge', style: { width: 1.4, 'line-color': '#9aa3af', 'target-arrow-color': '#9aa3af', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier' } },
      { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#1d2430' } },
    ],
  });
  /** @param {cytoscape.NodeSingular} n */
  const activate = (n) => {
    const kind = n.data('kind');
    selection.textContent = n.data('label').replace(/\n/g, ' ') + ' (' + (kind === 'finetune' ? 'fine-tune' : kind) + ')';
    box.dataset.selected = n.id();
    if (kind === 'cycle') input.onCycle(n.data('cycle'));
    else if (kind === 'admitted') input.onOpen(n.data('candidateId'));
  };
  cy.on('tap', 'node', (event) => activate(event.target));
  const list = () => {
    if (!cy) return;
    nodeList.replaceChildren(...cy.nodes().map((n) => {
      const at = n.renderedPosition();
      return el('li', {}, [el('button', { type: 'button', 'data-node-id': n.id(), 'data-kind': n.data('kind'),
        'data-x': Math.round(at.x), 'data-y': Math.round(at.y), text: n.data('label').replace(/\n/g, ' '), onclick: () => activate(n) })]);
    }));
  };
  cy.on('viewport resize', list);
  list();
}
