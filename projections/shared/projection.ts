import { sha256Hex } from '../../domain/shared/canonical-json';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEventType } from '../../domain/experiment/events';

/**
 * A read model: a left fold of `evolve` over the log, starting from `initialView()`.
 *
 * `evolve` is deterministic and does no I/O, but it takes ownership of the view it is given and may update it in
 * place: a read model of a million events cannot copy its working sets on every event and still rebuild at
 * 200k events/s. Callers therefore never reuse a view after passing it to `evolve`; the runner clones snapshots on
 * the way in and out, and specs that need a before-state clone it (`cloneView`).
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

/** Folds events over a view; events of types the projection does not handle are skipped. */
export function foldEvents<View>(projection: Projection<View>, events: Iterable<RecordedEvent>, from?: View): View {
  const handled = new Set<string>(projection.handledEventTypes);
  let view = from ?? projection.initialView();
  for (const event of events) {
    if (handled.has(event.type)) view = projection.evolve(view, event);
  }
  return view;
}

/** Views are plain JSON data (that is what makes them snapshot-able); a deep copy is a structured clone. */
export function cloneView<View>(view: View): View {
  return structuredClone(view);
}
