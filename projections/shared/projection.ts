import { sha256Hex } from '../../domain/shared/canonical-json';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEventType } from '../../domain/experiment/events';
import { assoc, withTransientFold } from './transient';

/**
 * A read model: a left fold of `evolve` over the log, starting from `initialView()`.
 *
 * `evolve` is pure: deterministic, no I/O, and it never changes the view or the event it is given. It returns a new
 * view that shares everything the event did not touch (the same view when nothing changed), so any earlier view
 * stays valid: a snapshot, a before-state, the view of a shorter prefix. View types are deeply readonly, and what
 * grows with the ledger sits in persistent structures (`persistent-vector.ts`, `persistent-map.ts`) or in per-cycle
 * partitions, so one event copies O(log n) of the view at most, never a whole working set.
 */
export interface Projection<View> {
  readonly name: string;
  /** Bump whenever `evolve` or the view's shape changes: stored snapshots of an older version are then ignored. */
  readonly codeVersion: string;
  readonly handledEventTypes: readonly LedgerEventType[];
  initialView(): View;
  evolve(view: View, event: RecordedEvent): View;
}

/** The key snapshots are stored under: a hash of the projection's name and code version. */
export function projectionVersion(projection: Pick<Projection<unknown>, 'name' | 'codeVersion'>): string {
  return sha256Hex(`${projection.name}@${projection.codeVersion}`).slice(0, 16);
}

/**
 * Folds events over a view; events of types the projection does not handle are skipped. The fold is transient
 * (transient.ts): nodes it created are updated in place by its later events, `from` is never changed, and the
 * result is immutable once it returns.
 */
export function foldEvents<View>(projection: Projection<View>, events: Iterable<RecordedEvent>, from?: View): View {
  const handled = new Set<string>(projection.handledEventTypes);
  return withTransientFold(() => {
    let view = from ?? projection.initialView();
    for (const event of events) {
      if (handled.has(event.type)) view = projection.evolve(view, event);
    }
    return view;
  });
}

/** Defined beside the transient fold that owns drafts; re-exported here for the read models. */
export type { Draft } from './transient';

/**
 * A record with one key set: what changes when one experiment's (or cycle's) node is replaced. A copy, except inside
 * a transient fold that created the record (then in place).
 */
export function withKey<V>(record: Readonly<Record<string, V>>, key: string, value: V): Readonly<Record<string, V>> {
  return assoc(record, key, value);
}
