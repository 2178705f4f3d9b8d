import { tInterval } from '../../domain/stats/intervals';
import { cycleStatsRows } from '../cycle-statistics/query';
import type { CycleStatisticsView, CycleStatsRow } from '../cycle-statistics/view';
import type { ExperimentGroup, ExperimentGroupsView, GroupMember } from './view';

export function groupOf(view: ExperimentGroupsView, groupId: string): ExperimentGroup | null {
  return view.groups[groupId] ?? null;
}

export function listGroups(view: ExperimentGroupsView): ExperimentGroup[] {
  return Object.values(view.groups).sort((a, b) => (a.members[0]?.registeredAt ?? 0) - (b.members[0]?.registeredAt ?? 0));
}

/** The variants of a group in the order their first run registered. */
export function variantsOf(group: ExperimentGroup): string[] {
  return [...new Set(group.members.map((m) => m.variant))];
}

/** The per-cycle figures a group averages across seeds: every numeric column of `stats`. */
export const GROUP_METRICS = [
  'generated', 'valid', 'validRate', 'meanAccuracy', 'medianAccuracy', 'bestAccuracy', 'aboveThreshold', 'admitted',
  'corpusSize', 'eliteConcentration', 'diversity', 'novelty',
] as const satisfies readonly (keyof CycleStatsRow)[];
export type GroupMetric = (typeof GROUP_METRICS)[number];

export interface AcrossSeeds {
  /** Mean over the runs that have the figure (null when none has). */
  readonly mean: number | null;
  /** t 95% interval of that mean across seeds; null below two runs. */
  readonly ci: readonly [number, number] | null;
  readonly n: number;
  /** Each run's figure, in the order of `experimentIds` (null: that run has no figure for this cycle). */
  readonly values: readonly (number | null)[];
}

export interface GroupCycleRow {
  readonly variant: string;
  readonly cycle: number;
  /** The runs of this variant, in registration order; `seeds` in the same order. */
  readonly experimentIds: readonly string[];
  readonly seeds: readonly number[];
  /** Runs that have completed this cycle. */
  readonly completedRuns: number;
  readonly metrics: Readonly<Record<GroupMetric, AcrossSeeds>>;
}

/**
 * Per variant and cycle, the across-seed mean of every metric with a t 95% interval: the mean of the runs' own
 * `stats` rows, so each number traces back to the experiments' events. Runs missing from the cycle-statistics view
 * (registered after the as-of point) are left out.
 */
export function groupCycleRows(group: ExperimentGroup, stats: CycleStatisticsView): GroupCycleRow[] {
  const rows: GroupCycleRow[] = [];
  for (const variant of variantsOf(group)) {
    const runs = group.members.filter((m) => m.variant === variant)
      .map((m) => ({ member: m, rows: cycleStatsRows(stats, m.experimentId) }))
      .filter((r): r is { member: GroupMember; rows: CycleStatsRow[] } => r.rows !== null);
    const cycles = [...new Set(runs.flatMap((r) => r.rows.map((row) => row.cycle)))].sort((a, b) => a - b);
    for (const cycle of cycles) {
      const perRun = runs.map((r) => r.rows.find((row) => row.cycle === cycle) ?? null);
      const metrics = Object.fromEntries(GROUP_METRICS.map((metric) => [metric, acrossSeeds(perRun.map((row) => row?.[metric] ?? null))]));
      rows.push({
        variant, cycle, experimentIds: runs.map((r) => r.member.experimentId), seeds: runs.map((r) => r.member.seed),
        completedRuns: perRun.filter((row) => row?.completed).length, metrics: metrics as Record<GroupMetric, AcrossSeeds>,
      });
    }
  }
  return rows;
}

export function acrossSeeds(values: readonly (number | null)[]): AcrossSeeds {
  const present = values.filter((v): v is number => v !== null);
  const t = tInterval(present);
  return {
    mean: present.length ? present.reduce((s, v) => s + v, 0) / present.length : null,
    ci: t ? [t.interval[0], t.interval[1]] : null,
    n: present.length, values,
  };
}
