import type { EventStore, Subscription } from '../ledger/event-store.port';
import type { Projection } from '../../projections/shared/projection';
import { ProjectionRunner } from './projection-runner';
import { cycleStatisticsProjection } from '../../projections/cycle-statistics/evolve';
import { corpusProjection } from '../../projections/corpus/evolve';
import { lineageProjection } from '../../projections/lineage/evolve';
import { experimentsProjection } from '../../projections/experiments/evolve';
import { candidatesProjection } from '../../projections/candidates/evolve';

/** Every read model the query side serves. */
export const ALL_PROJECTIONS: ReadonlyArray<Projection<unknown>> = [
  cycleStatisticsProjection, corpusProjection, lineageProjection, experimentsProjection, candidatesProjection,
] as ReadonlyArray<Projection<unknown>>;

/**
 * Keeps as-of-cycle queries fast on a growing ledger: each CycleCompleted the store delivers triggers a refresh,
 * which folds only what is new since each projection's latest snapshot and stores one at every cycle end.
 * Run it in the long-lived process (the loop or the server), not in one-shot CLI commands.
 */
export class SnapshotMaintainer {
  private subscription: Subscription | null = null;
  private readonly runner: ProjectionRunner;

  constructor(private readonly store: EventStore, private readonly projections = ALL_PROJECTIONS,
    private readonly onError: (error: unknown) => void = () => undefined) {
    this.runner = new ProjectionRunner(store);
  }

  /** Brings every projection's snapshots up to the head once. */
  async refreshAll(): Promise<number> {
    let saved = 0;
    for (const projection of this.projections) saved += (await this.runner.refreshSnapshots(projection)).saved;
    return saved;
  }

  start(): Subscription {
    this.subscription ??= this.store.subscribe('projection-snapshots', async () => {
      await this.refreshAll();
    }, { types: ['CycleCompleted'], onError: this.onError });
    return this.subscription;
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = null;
  }
}
