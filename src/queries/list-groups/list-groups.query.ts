import { Query } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import type { ExperimentGroup } from '../../../projections/experiment-groups/view';
import { HEAD, type AsOf } from '../../../projections/shared/as-of';
import { AsOfDto } from '../as-of.dto';
import type { AsOfInfo } from '../query-result';

export interface GroupSummary extends ExperimentGroup {
  /** The variants in the order their first run registered ('' for replicate's one variant). */
  readonly variants: readonly string[];
}

export interface GroupsResult extends AsOfInfo {
  /** The multi-seed groups (replicate, ablate --seeds, ablate --novelty-thresholds), oldest first. */
  readonly groups: readonly GroupSummary[];
}

/** Every experiment group in the store as of a point (an as-of cycle has no meaning across groups and is refused). */
export class ListGroupsQuery extends Query<GroupsResult> {
  @ValidateNested() @Type(() => AsOfDto) readonly asOf: AsOfDto;

  constructor(asOf: AsOf = HEAD) {
    super();
    this.asOf = new AsOfDto(asOf);
  }
}
