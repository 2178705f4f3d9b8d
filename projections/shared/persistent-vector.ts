import { isOwned, owned } from './transient';

/**
 * An immutable list with cheap append and replace, for read models that grow with the ledger (corpus members, a
 * cycle's signatures). A push copies at most one 32-slot tail, and every 32nd push one path of a 32-way trie
 * (depth log32 n), so folding n appends costs O(n) instead of the O(n²) of copying an array each time, and every
 * older version stays valid and shares all but that path.
 *
 * It is plain JSON data (arrays and numbers): a snapshot stores and restores it as is. Elements sit in `tail` and in
 * the trie under `root`, whose leaves are 32 elements deep `shift / 5` levels down. Inside a transient fold, the
 * wrapper, tail and trie nodes that fold created are updated in place rather than copied (transient.ts).
 */
export interface PersistentVector<T> {
  readonly length: number;
  readonly shift: number;
  readonly root: VectorTrie<T>;
  readonly tail: readonly T[];
}

/** A trie level: children down to the leaves, which hold the elements (which one is known from the depth). */
export type VectorTrie<T> = readonly (VectorTrie<T> | T)[];

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

const EMPTY: PersistentVector<never> = Object.freeze({ length: 0, shift: BITS, root: Object.freeze([]), tail: Object.freeze([]) });

export function emptyVector<T>(): PersistentVector<T> {
  return EMPTY;
}

export function vectorOf<T>(values: Iterable<T>): PersistentVector<T> {
  let vector = emptyVector<T>();
  for (const value of values) vector = push(vector, value);
  return vector;
}

/** Index of the first element in the tail: the trie holds only full leaves. */
function tailOffset(vector: PersistentVector<unknown>): number {
  return vector.length < WIDTH ? 0 : ((vector.length - 1) >>> BITS) << BITS;
}

export function push<T>(vector: PersistentVector<T>, value: T): PersistentVector<T> {
  const { length, shift, root, tail } = vector;
  if (length - tailOffset(vector) < WIDTH) {
    if (!isOwned(tail)) return withParts(vector, length + 1, shift, root, owned(appended(tail, value)));
    (tail as T[]).push(value);
    return withParts(vector, length + 1, shift, root, tail);
  }
  // The tail is full: it becomes a leaf of the trie, growing the trie by a level when the root is full too.
  if (length >>> BITS > 1 << shift) {
    return withParts(vector, length + 1, shift + BITS, owned([root, pathTo(shift, tail)]), owned([value]));
  }
  return withParts(vector, length + 1, shift, pushLeaf(length, shift, root, tail), owned([value]));
}

/** The vector with new parts: the same wrapper, changed in place, when the open fold created it. */
function withParts<T>(vector: PersistentVector<T>, length: number, shift: number, root: VectorTrie<T>, tail: readonly T[]): PersistentVector<T> {
  if (!isOwned(vector)) return owned({ length, shift, root, tail });
  const draft = vector as { length: number; shift: number; root: VectorTrie<T>; tail: readonly T[] };
  draft.length = length;
  draft.shift = shift;
  draft.root = root;
  draft.tail = tail;
  return vector;
}

/** A copy with one more element, allocated at its exact size (a spread or push may reserve spare capacity). */
function appended<T>(values: readonly T[], value: T): T[] {
  const out = new Array<T>(values.length + 1);
  for (let i = 0; i < values.length; i++) out[i] = values[i]!;
  out[values.length] = value;
  return out;
}

function pushLeaf<T>(length: number, level: number, node: VectorTrie<T>, leaf: readonly T[]): VectorTrie<T> {
  const slot = ((length - 1) >>> level) & MASK;
  const copy = editableNode(node);
  if (level === BITS) copy[slot] = leaf;
  else {
    const child = node[slot] as VectorTrie<T> | undefined;
    copy[slot] = child === undefined ? pathTo(level - BITS, leaf) : pushLeaf(length, level - BITS, child, leaf);
  }
  return copy;
}

function pathTo<T>(level: number, leaf: readonly T[]): VectorTrie<T> {
  return level === 0 ? leaf : owned([pathTo(level - BITS, leaf)]);
}

export function get<T>(vector: PersistentVector<T>, index: number): T | undefined {
  if (!Number.isInteger(index) || index < 0 || index >= vector.length) return undefined;
  const offset = tailOffset(vector);
  if (index >= offset) return vector.tail[index - offset];
  let node: VectorTrie<T> = vector.root;
  for (let level = vector.shift; level > 0; level -= BITS) node = node[(index >>> level) & MASK] as VectorTrie<T>;
  return node[index & MASK] as T;
}

/** A copy with the element at `index` (which must exist) replaced. */
export function set<T>(vector: PersistentVector<T>, index: number, value: T): PersistentVector<T> {
  if (!Number.isInteger(index) || index < 0 || index >= vector.length) {
    throw new RangeError(`index ${index} is outside a vector of ${vector.length}`);
  }
  const offset = tailOffset(vector);
  if (index >= offset) {
    const tail = editableNode(vector.tail);
    tail[index - offset] = value;
    return withParts(vector, vector.length, vector.shift, vector.root, tail);
  }
  return withParts(vector, vector.length, vector.shift, setIn(vector.root, vector.shift, index, value), vector.tail);
}

/** The node itself when the open fold created it, else an owned copy. */
function editableNode<E>(node: readonly E[]): E[] {
  return isOwned(node) ? node as E[] : owned(node.slice());
}

function setIn<T>(node: VectorTrie<T>, level: number, index: number, value: T): VectorTrie<T> {
  const copy = editableNode(node);
  const slot = (index >>> level) & MASK;
  copy[slot] = level === 0 ? value : setIn(node[slot] as VectorTrie<T>, level - BITS, index, value);
  return copy;
}

export function toArray<T>(vector: PersistentVector<T>): T[] {
  const out: T[] = [];
  collect(vector.root, vector.shift, out);
  for (const value of vector.tail) out.push(value);
  return out;
}

function collect<T>(node: VectorTrie<T>, level: number, out: T[]): void {
  if (level === 0) {
    for (const value of node) out.push(value as T);
    return;
  }
  for (const child of node) collect(child as VectorTrie<T>, level - BITS, out);
}
