import { isOwned, owned } from './transient';

/**
 * An immutable string-keyed map (a hash array mapped trie) for read models keyed by candidate: setting one key
 * copies one path of at most 7 small nodes (32-way, bitmap-compressed), so folding n updates costs O(n log32 n)
 * instead of the O(n²) of copying a record each time, and every older version stays valid.
 *
 * Plain JSON data (objects, arrays, numbers, strings), so a snapshot stores and restores it as is. A node's `slots`
 * hold a key and a value per set bit of `bitmap`, in bit order; a null key marks a child node in the value slot.
 * Below the last 5-bit level (all 32 hash bits used) a node is a plain list of colliding keys with bitmap 0.
 * Iteration follows hash order, not insertion order: queries that need an order sort.
 * Inside a transient fold, nodes that fold created are updated in place rather than copied (transient.ts).
 */
export interface PersistentMap<V> {
  readonly size: number;
  readonly root: MapNode<V>;
}

export interface MapNode<V> {
  readonly bitmap: number;
  readonly slots: readonly (string | null | V | MapNode<V>)[];
}

/** A node the open fold created, which it may change in place (see transient.ts). */
type OwnedNode<V> = { bitmap: number; slots: Array<string | null | V | MapNode<V>> };

const BITS = 5;
const MASK = (1 << BITS) - 1;
/** Levels at shift 0, 5, …, 30 use hash bits; deeper nodes hold full-hash collisions. */
const LAST_HASHED_SHIFT = Math.floor(31 / BITS) * BITS;

const EMPTY: PersistentMap<never> = Object.freeze({ size: 0, root: Object.freeze({ bitmap: 0, slots: Object.freeze([]) }) });

export function emptyMap<V>(): PersistentMap<V> {
  return EMPTY;
}

/** FNV-1a with a final avalanche: fixed, so the trie's shape (and a snapshot of it) does not depend on the runtime. */
export function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function bitCount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Position of a bit's key in `slots`: two slots for each set bit below it. */
function slotOf(bitmap: number, bit: number): number {
  return 2 * bitCount(bitmap & ((bit >>> 0) - 1));
}

export function get<V>(map: PersistentMap<V>, key: string): V | undefined {
  const hash = keyHash(key);
  let node = map.root;
  for (let shift = 0; ; shift += BITS) {
    if (shift > LAST_HASHED_SHIFT) {
      for (let i = 0; i < node.slots.length; i += 2) if (node.slots[i] === key) return node.slots[i + 1] as V;
      return undefined;
    }
    const bit = 1 << ((hash >>> shift) & MASK);
    if ((node.bitmap & bit) === 0) return undefined;
    const at = slotOf(node.bitmap, bit);
    const slotKey = node.slots[at];
    if (slotKey === null) node = node.slots[at + 1] as MapNode<V>;
    else return slotKey === key ? node.slots[at + 1] as V : undefined;
  }
}

export function has(map: PersistentMap<unknown>, key: string): boolean {
  return get(map, key) !== undefined;
}

/** A copy with `key` set to `value` (values may not be undefined); the same map when nothing changes. */
export function set<V>(map: PersistentMap<V>, key: string, value: V): PersistentMap<V> {
  keyAdded = false;
  return withRoot(map, setIn(map.root, 0, keyHash(key), key, value));
}

/** The map with its new root: the same map, changed in place, when the open fold created it. */
function withRoot<V>(map: PersistentMap<V>, root: MapNode<V>): PersistentMap<V> {
  if (isOwned(map)) {
    const draft = map as { size: number; root: MapNode<V> };
    draft.root = root;
    if (keyAdded) draft.size++;
    return map;
  }
  return root === map.root ? map : owned({ size: keyAdded ? map.size + 1 : map.size, root });
}

/** Whether the set() in progress added a key (rather than replaced a value): a flag, not an object per call. */
let keyAdded = false;

function setIn<V>(node: MapNode<V>, shift: number, hash: number, key: string, value: V): MapNode<V> {
  const { bitmap, slots } = node;
  if (shift > LAST_HASHED_SHIFT) {
    for (let i = 0; i < slots.length; i += 2) if (slots[i] === key) return slots[i + 1] === value ? node : replaced(node, i + 1, value);
    keyAdded = true;
    if (isOwned(node)) {
      (node as OwnedNode<V>).slots.push(key, value);
      return node;
    }
    return owned({ bitmap: 0, slots: [...slots, key, value] });
  }
  const bit = 1 << ((hash >>> shift) & MASK);
  const at = slotOf(bitmap, bit);
  if ((bitmap & bit) === 0) {
    keyAdded = true;
    if (isOwned(node)) {
      const draft = node as OwnedNode<V>;
      draft.slots.splice(at, 0, key, value);
      draft.bitmap = bitmap | bit;
      return node;
    }
    const inserted = new Array<string | null | V | MapNode<V>>(slots.length + 2);
    for (let i = 0; i < at; i++) inserted[i] = slots[i]!;
    inserted[at] = key;
    inserted[at + 1] = value;
    for (let i = at; i < slots.length; i++) inserted[i + 2] = slots[i]!;
    return owned({ bitmap: bitmap | bit, slots: inserted });
  }
  const slotKey = slots[at] as string | null;
  const slotValue = slots[at + 1];
  if (slotKey === null) {
    const child = setIn(slotValue as MapNode<V>, shift + BITS, hash, key, value);
    return child === slotValue ? node : replaced(node, at + 1, child);
  }
  if (slotKey === key) return slotValue === value ? node : replaced(node, at + 1, value);
  keyAdded = true;
  const child = nodeOfTwo(shift + BITS, keyHash(slotKey), slotKey, slotValue as V, hash, key, value);
  const target = isOwned(node) ? node as OwnedNode<V> : owned({ bitmap, slots: slots.slice() });
  target.slots[at] = null;
  target.slots[at + 1] = child;
  return target;
}

/**
 * The map with the value under `key` replaced by `change(value)` (value undefined for a missing key), in one walk
 * and one hash; the same map when `change` returns undefined or the value it was given.
 */
export function update<V>(map: PersistentMap<V>, key: string, change: (value: V | undefined) => V | undefined): PersistentMap<V> {
  keyAdded = false;
  return withRoot(map, updateIn(map.root, 0, keyHash(key), key, change));
}

function updateIn<V>(node: MapNode<V>, shift: number, hash: number, key: string, change: (value: V | undefined) => V | undefined): MapNode<V> {
  const { bitmap, slots } = node;
  if (shift > LAST_HASHED_SHIFT) {
    for (let i = 0; i < slots.length; i += 2) {
      if (slots[i] !== key) continue;
      const value = change(slots[i + 1] as V);
      return value === undefined || value === slots[i + 1] ? node : replaced(node, i + 1, value);
    }
    return setIfDefined(node, shift, hash, key, change(undefined));
  }
  const bit = 1 << ((hash >>> shift) & MASK);
  if ((bitmap & bit) === 0) return setIfDefined(node, shift, hash, key, change(undefined));
  const at = slotOf(bitmap, bit);
  const slotKey = slots[at] as string | null;
  const slotValue = slots[at + 1];
  if (slotKey === null) {
    const child = updateIn(slotValue as MapNode<V>, shift + BITS, hash, key, change);
    return child === slotValue ? node : replaced(node, at + 1, child);
  }
  if (slotKey !== key) return setIfDefined(node, shift, hash, key, change(undefined));
  const value = change(slotValue as V);
  return value === undefined || value === slotValue ? node : replaced(node, at + 1, value);
}

function setIfDefined<V>(node: MapNode<V>, shift: number, hash: number, key: string, value: V | undefined): MapNode<V> {
  return value === undefined ? node : setIn(node, shift, hash, key, value);
}

function replaced<V>(node: MapNode<V>, at: number, value: V | MapNode<V>): MapNode<V> {
  if (isOwned(node)) {
    (node as OwnedNode<V>).slots[at] = value;
    return node;
  }
  const slots = node.slots.slice();
  slots[at] = value;
  return owned({ bitmap: node.bitmap, slots });
}

function nodeOfTwo<V>(shift: number, hashA: number, keyA: string, valueA: V, hashB: number, keyB: string, valueB: V): MapNode<V> {
  if (shift > LAST_HASHED_SHIFT) return owned({ bitmap: 0, slots: [keyA, valueA, keyB, valueB] });
  const bitA = 1 << ((hashA >>> shift) & MASK);
  const bitB = 1 << ((hashB >>> shift) & MASK);
  if (bitA === bitB) return owned({ bitmap: bitA, slots: [null, nodeOfTwo(shift + BITS, hashA, keyA, valueA, hashB, keyB, valueB)] });
  const aFirst = (bitA >>> 0) < (bitB >>> 0);
  return owned({ bitmap: bitA | bitB, slots: aFirst ? [keyA, valueA, keyB, valueB] : [keyB, valueB, keyA, valueA] });
}

/** Every value, in hash order. */
export function values<V>(map: PersistentMap<V>): V[] {
  const out: V[] = [];
  forEachEntry(map.root, (_key, value) => { out.push(value); });
  return out;
}

/** Every key and value, in hash order. */
export function entries<V>(map: PersistentMap<V>): Array<[string, V]> {
  const out: Array<[string, V]> = [];
  forEachEntry(map.root, (key, value) => { out.push([key, value]); });
  return out;
}

function forEachEntry<V>(node: MapNode<V>, visit: (key: string, value: V) => void): void {
  const { slots } = node;
  for (let i = 0; i < slots.length; i += 2) {
    const key = slots[i] as string | null;
    if (key === null) forEachEntry(slots[i + 1] as MapNode<V>, visit);
    else visit(key, slots[i + 1] as V);
  }
}
