/**
 * Transients, as in Clojure: during one fold, the nodes that fold created are seen by nobody but the fold, so a
 * later event of the same fold may update them in place instead of copying their path again. Nodes the fold did not
 * create (its input view, a stored snapshot, the shared empty structures) are copied as always, and outside a fold
 * nothing is ever changed in place: a direct `evolve` call stays fully persistent.
 *
 * Ownership lives in a set beside the nodes, not on them, so views stay plain JSON for snapshots. The set is opened
 * by `withTransientFold` and dropped when the fold returns: from then on the fold's result is as immutable as any
 * other view, and a later fold that starts from it copies what it changes.
 *
 * A fold is synchronous by construction (a callback, no await inside), so no other code can run evolve on, or look
 * at, the fold's intermediate views while it is open. Those intermediate views are only valid until the fold's next
 * evolve: the fold returns the last one, and callers that keep one mid-way (a snapshot at a cycle end) close the fold
 * there and open a new one.
 */

/** Nodes created by the open fold; null outside any fold. */
let ownedByFold: WeakSet<object> | null = null;

/**
 * Runs `fold` with transients on. A nested call owns only what it creates itself: it never changes its input, even
 * when that input was created by the enclosing fold.
 */
export function withTransientFold<T>(fold: () => T): T {
  const enclosing = ownedByFold;
  ownedByFold = new WeakSet();
  try {
    return fold();
  } finally {
    ownedByFold = enclosing;
  }
}

/** Whether the open fold created `node` (and so may change it in place). Always false outside a fold. */
export function isOwned(node: object): boolean {
  return ownedByFold !== null && ownedByFold.has(node);
}

/** Marks a node just created by evolve as the open fold's own; outside a fold it does nothing. */
export function owned<T extends object>(node: T): T {
  if (ownedByFold !== null) ownedByFold.add(node);
  return node;
}

/**
 * A node of a view being built: a fresh copy that evolve may still set fields on before returning it. Copies are
 * made by explicit per-type functions, because object spread with overrides is many times slower in V8 and evolve
 * runs a million times in a rebuild.
 */
export type Draft<T> = { -readonly [K in keyof T]: T[K] };

/** The node itself when the open fold created it, else an owned copy made by `copy`: the node an update may write to. */
export function editable<T extends object>(node: T, copy: (node: T) => Draft<T>): Draft<T> {
  if (ownedByFold === null) return copy(node);
  if (ownedByFold.has(node)) return node;
  const fresh = copy(node);
  ownedByFold.add(fresh);
  return fresh;
}

/** `record` with `key` set: in place when the open fold created the record, else a copy (owned inside a fold). */
export function assoc<V>(record: Readonly<Record<string, V>>, key: string, value: V): Readonly<Record<string, V>> {
  const target = editable(record, (r) => Object.assign({}, r) as Record<string, V>) as Record<string, V>;
  target[key] = value;
  return target;
}

/** `values` with `value` at `index` (an index equal to the length appends): in place when owned, else a copy. */
export function assocIndex<T>(values: readonly T[], index: number, value: T): readonly T[] {
  const target = editable(values, (v) => v.slice());
  target[index] = value;
  return target;
}
