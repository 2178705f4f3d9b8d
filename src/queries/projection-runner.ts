import { LedgerError } from '../../domain/shared/ledger-error';
import { streamIds } from '../../domain/experiment/events';
import type { EventStore } from '../ledger/event-store.port';
import { checkPosition, cycleEndPosition, describeAsOf, parseAsOfTime, type AsOf } from '../../projections/shared/as-of';
import { projectionVersion, type Projection } from '../../projections/shared/projection';
import { assertNever } from '../../projections/shared/assert-never';
import { withTransientFold } from '../../projections/shared/transient';

export interface ProjectionRunnerOptions {
  /** False: neither read nor write snapshots, every answer is a replay from position 0 (for checks and benchmarks). */
  readonly useSnapshots?: boolean;
  /** A cold fold of at least this many events leaves a snapshot at its end, so the next query near it is fast. */
  readonly snapshotAfterEvents?: number;
  readonly pageSize?: number;
  /** The clock, for refusing as-of times in the future. */
  readonly now?: () => Date;
  /** A snapshot that cannot be saved (a read-only store) must not fail the query that made it. */
  readonly onSnapshotError?: (error: unknown) => void;
}

export interface ViewAt<View> {
  readonly view: View;
  /** The as-of point as a global position: the view is the fold over events 1..position. */
  readonly position: number;
  readonly head: number;
  /** Position of the snapshot the fold started from, null when it replayed from the start. */
  readonly snapshotPosition: number | null;
  readonly eventsFolded: number;
}

/**
 * Answers "what did this read model say at point P": resolves an as-of point to a position, starts from the latest
 * stored snapshot at or before P (of the projection's current code version only) and folds the rest of the prefix.
 */
export class ProjectionRunner {
  private readonly snapshotAfterEvents: number;
  private readonly pageSize: number;
  private readonly now: () => Date;
  private readonly useSnapshots: boolean;

  constructor(readonly store: EventStore, private readonly options: ProjectionRunnerOptions = {}) {
    this.snapshotAfterEvents = options.snapshotAfterEvents ?? 2000;
    this.pageSize = options.pageSize ?? 5000;
    this.now = options.now ?? (() => new Date());
    this.useSnapshots = options.useSnapshots ?? true;
  }

  async viewAsOf<View>(projection: Projection<View>, asOf: AsOf, experimentId?: string): Promise<ViewAt<View>> {
    return this.viewAt(projection, await this.resolvePosition(asOf, experimentId));
  }

  /** The global position an as-of point names; a cycle is resolved within `experimentId`. */
  async resolvePosition(asOf: AsOf, experimentId?: string): Promise<number> {
    const head = await this.store.head();
    switch (asOf.kind) {
      case 'head':
        return head;
      case 'position':
        return checkPosition(asOf.position, head);
      case 'cycle': {
        if (experimentId === undefined) {
          throw new LedgerError('BAD_INPUT', 'an as-of cycle needs an experiment to count cycles in',
            'Use --as-of-position or --as-of-time for queries that span experiments.');
        }
        const stream = await this.store.readStream(streamIds.experiment(experimentId));
        if (stream.length === 0) throw unknownExperiment(experimentId);
        return cycleEndPosition(stream, experimentId, asOf.cycle);
      }
      case 'time':
        return this.positionAtTime(asOf.time, head);
      default:
        return assertNever(asOf, 'as-of');
    }
  }

  /** The fold over events 1..position, from the nearest snapshot. */
  async viewAt<View>(projection: Projection<View>, position: number): Promise<ViewAt<View>> {
    const head = await this.store.head();
    checkPosition(position, head);
    const version = projectionVersion(projection);
    const snapshot = this.useSnapshots ? await this.store.loadSnapshot(projection.name, version, position) : null;
    // evolve is pure: the stored state is folded on as it is, and the view handed to saveSnapshot never changes after.
    let view = snapshot ? snapshot.state as View : projection.initialView();
    let after = snapshot?.position ?? 0;
    let folded = 0;
    while (after < position) {
      const page = await this.store.readAll({ after, upTo: position, types: projection.handledEventTypes, limit: this.pageSize });
      // One transient fold per page (no await inside): the stored state is never changed, the page's own nodes are.
      view = withTransientFold(() => {
        let state = view;
        for (const event of page) state = projection.evolve(state, event);
        return state;
      });
      folded += page.length;
      if (page.length < this.pageSize) break;
      after = page[page.length - 1]!.globalPosition;
    }
    if (this.useSnapshots && folded >= this.snapshotAfterEvents) await this.trySaveSnapshot(projection, version, position, view);
    return { view, position, head, snapshotPosition: snapshot?.position ?? null, eventsFolded: folded };
  }

  /**
   * Folds the whole log (from the latest snapshot) and stores a snapshot at every CycleCompleted and at the head,
   * so as-of-cycle queries start from an exact snapshot. Returns how many snapshots it saved.
   */
  async refreshSnapshots<View>(projection: Projection<View>): Promise<{ saved: number; head: number; eventsFolded: number }> {
    const head = await this.store.head();
    const version = projectionVersion(projection);
    const snapshot = await this.store.loadSnapshot(projection.name, version, head);
    let view = snapshot ? snapshot.state as View : projection.initialView();
    let after = snapshot?.position ?? 0;
    let saved = 0;
    let folded = 0;
    const types = [...new Set([...projection.handledEventTypes, 'CycleCompleted'])];
    const handled = new Set<string>(projection.handledEventTypes);
    const isSnapshotPoint = (event: { type: string; globalPosition: number }) => event.type === 'CycleCompleted' && event.globalPosition < head;
    while (after < head) {
      const page = await this.store.readAll({ after, upTo: head, types, limit: this.pageSize });
      // A transient fold runs up to the next snapshot point and closes there, so the view saved is immutable from then on.
      for (let next = 0; next < page.length;) {
        const start = next;
        view = withTransientFold(() => {
          let state = view;
          while (next < page.length) {
            const event = page[next++]!;
            if (handled.has(event.type)) state = projection.evolve(state, event);
            if (isSnapshotPoint(event)) break;
          }
          return state;
        });
        folded += next - start;
        const last = page[next - 1]!;
        if (isSnapshotPoint(last)) {
          await this.store.saveSnapshot({ projection: projection.name, projectionVersion: version, position: last.globalPosition, state: view });
          saved++;
        }
      }
      if (page.length < this.pageSize) break;
      after = page[page.length - 1]!.globalPosition;
    }
    if (!snapshot || snapshot.position < head) {
      await this.store.saveSnapshot({ projection: projection.name, projectionVersion: version, position: head, state: view });
      saved++;
    }
    return { saved, head, eventsFolded: folded };
  }

  /**
   * The last position whose event was recorded at or before `time`. recordedAt comes from the appender's clock,
   * which only moves forward for one ledger, so a binary search over positions finds the boundary in log2(head) reads.
   */
  private async positionAtTime(time: string, head: number): Promise<number> {
    const target = parseAsOfTime(time);
    if (target > this.now().getTime()) {
      throw new LedgerError('NOT_FOUND', `as-of time ${time} is in the future`,
        'Use a time up to now, or leave the as-of flag out for the head.');
    }
    let lo = 0;          // events at positions <= lo are at or before the target
    let hi = head + 1;   // the first event at a position >= hi is after it
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const [event] = await this.store.readAll({ after: mid - 1, limit: 1 });
      if (!event || Date.parse(event.metadata.recordedAt) > target) hi = mid;
      else lo = mid;
    }
    return lo;
  }

  private async trySaveSnapshot<View>(projection: Projection<View>, version: string, position: number, view: View): Promise<void> {
    try {
      await this.store.saveSnapshot({ projection: projection.name, projectionVersion: version, position, state: view });
    } catch (error) {
      this.options.onSnapshotError?.(error);
    }
  }
}

export function unknownExperiment(experimentId: string): LedgerError {
  return new LedgerError('NOT_FOUND', `no experiment "${experimentId}" in the ledger`,
    'Run `nas-ledger experiments` to list the experiments this store holds.', { experimentId });
}

/** An experiment that exists now but not at the as-of point, or not at all: say which. */
export async function missingExperimentError(store: EventStore, experimentId: string, asOf: AsOf, position: number): Promise<LedgerError> {
  const [registered] = await store.readStream(streamIds.experiment(experimentId), { to: 0 });
  if (!registered) return unknownExperiment(experimentId);
  return new LedgerError('NOT_FOUND',
    `experiment "${experimentId}" was registered at position ${registered.globalPosition}, after ${describeAsOf(asOf)} (position ${position})`,
    'Pick a later as-of point.', { experimentId, registeredAt: registered.globalPosition, position });
}

/** One-call form: the view of `projection` as of `asOf`. */
export async function queryAsOf<View>(store: EventStore, projection: Projection<View>, asOf: AsOf, experimentId?: string): Promise<ViewAt<View>> {
  return new ProjectionRunner(store).viewAsOf(projection, asOf, experimentId);
}
