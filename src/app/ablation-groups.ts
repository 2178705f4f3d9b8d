import type { ExperimentConfig } from '../../domain/experiment/config';
import type { EventStore } from '../ledger/event-store.port';
import { ProjectionRunner } from '../queries/projection-runner';
import { acrossSeeds, type AcrossSeeds } from '../../projections/experiment-groups/query';
import { GetNoveltySweepHandler } from '../queries/get-novelty-sweep/get-novelty-sweep.handler';
import { GetNoveltySweepQuery, type NoveltySweepResult } from '../queries/get-novelty-sweep/get-novelty-sweep.query';
import { ABLATION_VARIANTS, ablationRow, type AblationRow } from './ablation-table';
import { experimentEventsOf } from './experiment-events';
import { runGroup, type GroupRun, type GroupVariant } from './seed-groups';

/** The full method at each novelty τ (LSH retrieval lowered to τ where τ is below it, so retrieval sees every J > τ). */
export function noveltySweepVariants(base: ExperimentConfig, thresholds: readonly number[]): GroupVariant[] {
  return thresholds.map((tau) => ({
    variant: `tau=${tau}`,
    config: {
      ...base, name: `${base.name}-tau${tau}`, ablations: { noNovelty: false, noThreshold: false, noIteration: false },
      novelty: { ...base.novelty, nearDuplicateTau: tau, lshThreshold: Math.min(base.novelty.lshThreshold, tau) },
    },
  }));
}

export function ablationVariants(base: ExperimentConfig): GroupVariant[] {
  return ABLATION_VARIANTS.map(({ variant, switches }) => ({ variant, config: { ...base, name: `${base.name}-${variant.replace(' ', '-')}`, ablations: switches } }));
}

/** Table 3 with across-seed intervals: each run's pooled row, and per variant the mean over seeds with a t 95% interval. */
export interface SeededAblationRow {
  readonly variant: string;
  readonly runs: readonly AblationRow[];
  readonly validRate: AcrossSeeds;
  readonly meanAccuracy: AcrossSeeds;
  readonly aboveThreshold: AcrossSeeds;
  readonly admitted: AcrossSeeds;
  /** The paper's "novel models" without the filter's help: admitted programs distinct by text, by structure. */
  readonly distinctAdmittedText: AcrossSeeds;
  readonly distinctAdmittedStructural: AcrossSeeds;
  readonly nearDuplicatePairsAdmitted: AcrossSeeds;
}

export async function seededAblationRows(store: EventStore, runs: readonly GroupRun[], configs: readonly GroupVariant[]): Promise<SeededAblationRow[]> {
  const out: SeededAblationRow[] = [];
  for (const { variant, config } of configs) {
    const rows: AblationRow[] = [];
    for (const run of runs.filter((r) => r.variant === variant)) {
      rows.push(ablationRow(variant, run.experimentId, config.threshold, await experimentEventsOf(store, run.experimentId)));
    }
    out.push({
      variant, runs: rows, validRate: acrossSeeds(rows.map((r) => r.validRate)), meanAccuracy: acrossSeeds(rows.map((r) => r.meanAccuracy)),
      aboveThreshold: acrossSeeds(rows.map((r) => r.aboveThreshold)), admitted: acrossSeeds(rows.map((r) => r.admitted)),
      distinctAdmittedText: acrossSeeds(rows.map((r) => r.distinctAdmittedText)),
      distinctAdmittedStructural: acrossSeeds(rows.map((r) => r.distinctAdmittedStructural)),
      nearDuplicatePairsAdmitted: acrossSeeds(rows.map((r) => r.nearDuplicatePairsAdmitted)),
    });
  }
  return out;
}

/** The sweep read back at the head: `GetNoveltySweepQuery`'s own handler, so the CLI and the API answer alike. */
export function noveltySweepAtHead(store: EventStore, groupId: string): Promise<NoveltySweepResult> {
  return new GetNoveltySweepHandler(new ProjectionRunner(store, { useSnapshots: false })).execute(new GetNoveltySweepQuery(groupId));
}

export { runGroup };
