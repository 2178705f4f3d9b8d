import { Query } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsString, ValidateNested } from 'class-validator';
import type { GroupCycleRow } from '../../../projections/experiment-groups/query';
import type { GroupMember } from '../../../projections/experiment-groups/view';
import { HEAD, type AsOf } from '../../../projections/shared/as-of';
import { AsOfDto } from '../as-of.dto';
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
export class GetGroupStatsQuery extends Query<GroupStatsResult> {
  @IsString() @IsNotEmpty() readonly groupId: string;
  @ValidateNested() @Type(() => AsOfDto) readonly asOf: AsOfDto;

  constructor(groupId: string, asOf: AsOf = HEAD) {
    super();
    this.groupId = groupId;
    this.asOf = new AsOfDto(asOf);
  }
}
