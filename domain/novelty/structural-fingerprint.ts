import { canonicalJson, sha256Hex } from '../shared/canonical-json';
import { LedgerError } from '../shared/ledger-error';

/**
 * The module graph of an instantiated model, as gpu-agent/runner/fingerprint.py prints it (one JSON object on stdout).
 *
 * - `nodes[].id`: any string unique within the graph (fx node name, module path...). Ids are NOT part of the
 *   fingerprint, so renaming modules or variables never changes it.
 * - `nodes[].op`: the operation, e.g. `placeholder`, `conv2d`, `Conv2d`, `torch.nn.functional.relu`, `add`, `output`.
 *   The fingerprint normalises it (last dotted segment, lower-case, trailing `_` of in-place variants dropped), so
 *   `nn.ReLU`, `F.relu`, `torch.relu` and `relu_` all read `relu`.
 * - `nodes[].attrs`: hyper-parameters only (in_channels, out_channels, kernel_size, stride, padding, bias, p, ...).
 *   Keys in IGNORED_ATTRS (names, targets, in-place flags) are dropped before hashing.
 * - `nodes[].outShape`: the output shape from a forward pass (the runner reports it per sample, without the batch
 *   dimension; any fixed convention works as long as one ledger uses one), or null.
 * - `edges`: `[fromId, toId]` data flow (the producer's output feeds the consumer). Order does not matter.
 */
export interface StructuralGraph {
  readonly nodes: readonly StructuralNode[];
  readonly edges: readonly (readonly [string, string])[];
}

/** An attribute value: a plain scalar or a list of them (null where the runner could not express a value). */
export type StructuralAttr = number | string | boolean | null | readonly (number | string | boolean | null)[];

export interface StructuralNode {
  readonly id: string;
  readonly op: string;
  readonly attrs: Readonly<Record<string, StructuralAttr>>;
  readonly outShape: number[] | null;
}

/** Attribute keys that carry names or execution details rather than architecture. */
export const IGNORED_ATTRS: ReadonlySet<string> = new Set([
  'name', 'target', 'qualname', 'module', 'module_path', 'inplace', 'training',
]);

/** `nn.ReLU`, `torch.nn.functional.relu`, `torch.relu`, `relu_` -> `relu`. */
export function normaliseOp(op: string): string {
  const last = op.split('.').pop() ?? op;
  return last.toLowerCase().replace(/_+$/, '').replace(/^_+/, '') || last.toLowerCase();
}

/**
 * The structural fingerprint: sha256 (hex) of the graph's canonical form.
 *
 * Canonical form: each node starts with a label from its normalised op, attributes and output shape; then
 * Weisfeiler-Lehman refinement (the label absorbs the sorted labels of its predecessors and successors, with edge
 * multiplicity) runs until the partition of nodes stops splitting. Node ids are then renamed n0, n1, ... in a
 * deterministic topological order (Kahn's algorithm, ties broken by final label), and the hash covers the renamed
 * node list and edge list. Renamed modules, reordered definitions and reformatted source give the same hash; any
 * change of op, hyper-parameter, shape or wiring changes it.
 */
export function structuralFingerprint(graph: StructuralGraph): string {
  return sha256Hex(canonicalJson(canonicalStructure(graph)));
}

export interface CanonicalStructure {
  readonly nodes: readonly { readonly op: string; readonly attrs: Record<string, unknown>; readonly outShape: number[] | null }[];
  readonly edges: readonly (readonly [number, number])[];
}

export function canonicalStructure(graph: StructuralGraph): CanonicalStructure {
  const g = validateStructuralGraph(graph);
  const n = g.nodes.length;
  const index = new Map<string, number>();
  g.nodes.forEach((node, i) => index.set(node.id, i));
  const preds: number[][] = Array.from({ length: n }, () => []);
  const succs: number[][] = Array.from({ length: n }, () => []);
  for (const [from, to] of g.edges) {
    const a = index.get(from) as number;
    const b = index.get(to) as number;
    succs[a]!.push(b);
    preds[b]!.push(a);
  }
  const base = g.nodes.map((node) => ({
    op: normaliseOp(node.op),
    attrs: Object.fromEntries(Object.entries(node.attrs).filter(([k]) => !IGNORED_ATTRS.has(k))),
    outShape: node.outShape,
  }));
  let labels = base.map((b) => sha256Hex(canonicalJson(b)));
  let classes = new Set(labels).size;
  for (let round = 0; round < n; round++) {
    const next = labels.map((label, i) => sha256Hex(canonicalJson([
      label,
      preds[i]!.map((p) => labels[p]!).sort(),
      succs[i]!.map((s) => labels[s]!).sort(),
    ])));
    const nextClasses = new Set(next).size;
    labels = next;
    if (nextClasses === classes) break;
    classes = nextClasses;
  }
  // Kahn's algorithm with ties broken by label: a deterministic topological order independent of ids.
  const indegree = preds.map((p) => p.length);
  const ready = new Set<number>();
  indegree.forEach((d, i) => { if (d === 0) ready.add(i); });
  const order: number[] = [];
  const placed = new Uint8Array(n);
  while (order.length < n) {
    let pick = -1;
    for (const i of ready) if (pick < 0 || labels[i]! < labels[pick]!) pick = i;
    if (pick < 0) {
      // A cycle (should not happen for a traced module graph): take the smallest-labelled unplaced node.
      for (let i = 0; i < n; i++) if (!placed[i] && (pick < 0 || labels[i]! < labels[pick]!)) pick = i;
    }
    ready.delete(pick);
    placed[pick] = 1;
    order.push(pick);
    for (const s of succs[pick]!) if (!placed[s] && --indegree[s]! === 0) ready.add(s);
  }
  const rank = new Int32Array(n);
  order.forEach((node, position) => { rank[node] = position; });
  const edges = g.edges
    .map(([from, to]) => [rank[index.get(from)!]!, rank[index.get(to)!]!] as const)
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return { nodes: order.map((i) => base[i]!), edges };
}

/** Checks an untrusted value (parsed runner output) against the StructuralGraph shape. */
export function validateStructuralGraph(value: unknown): StructuralGraph {
  const bad = (why: string): never => {
    throw new LedgerError('BAD_INPUT', `structural graph is malformed: ${why}`,
      'The runner must print { nodes: [{ id, op, attrs, outShape }], edges: [[from, to]] } (domain/novelty/structural-fingerprint.ts).');
  };
  if (value === null || typeof value !== 'object') return bad('not an object');
  const { nodes, edges } = value as { nodes?: unknown; edges?: unknown };
  if (!Array.isArray(nodes)) return bad('nodes is not an array');
  if (!Array.isArray(edges)) return bad('edges is not an array');
  const ids = new Set<string>();
  for (const node of nodes) {
    if (node === null || typeof node !== 'object') return bad('a node is not an object');
    const { id, op, attrs, outShape } = node as Record<string, unknown>;
    if (typeof id !== 'string') return bad('a node id is not a string');
    if (ids.has(id)) return bad(`duplicate node id ${id}`);
    ids.add(id);
    if (typeof op !== 'string' || op === '') return bad(`node ${id} has no op`);
    if (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs)) return bad(`node ${id} attrs is not an object`);
    for (const [k, v] of Object.entries(attrs as Record<string, unknown>)) {
      const scalar = (x: unknown) => x === null || typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean';
      if (!(scalar(v) || (Array.isArray(v) && v.every(scalar)))) return bad(`node ${id} attr ${k} is not a scalar or a list of scalars`);
    }
    if (outShape !== null && !(Array.isArray(outShape) && outShape.every((x) => Number.isInteger(x)))) {
      return bad(`node ${id} outShape is not an integer array or null`);
    }
  }
  for (const edge of edges) {
    if (!Array.isArray(edge) || edge.length !== 2 || typeof edge[0] !== 'string' || typeof edge[1] !== 'string') {
      return bad('an edge is not a [from, to] pair of ids');
    }
    if (!ids.has(edge[0]) || !ids.has(edge[1])) return bad(`edge ${edge[0]} -> ${edge[1]} names an unknown node`);
  }
  return value as StructuralGraph;
}
