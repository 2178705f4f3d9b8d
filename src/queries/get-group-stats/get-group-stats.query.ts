import type { GroupCycleRow } from '../../../projections/experiment-groups/query';
import type { GroupMember } from '../../../projections/experiment-groups/view';
import { GroupAsOfQuery } from '../group-query';
import type { AsOfInfo } from '../query-result';

export interface GroupStatsResult extends AsOfInfo {
  readonly groupId: string;
  readonly seeds: readonly number[];
  /** The runs registered by the as-of point. */
  readonly members: readonly GroupMember[];
  /** Per variant and cycle: the across-seed mean of every `stats` metric with a t 95% interval. */
  readonly cycles: readonly GroupCycleRow[];
}

/** Per-cycle statistics of a multi-seed group (replicate, ablate --seeds) as of a point in history. */
export class GetGroupStatsQuery extends GroupAsOfQuery<GroupStatsResult> {}
