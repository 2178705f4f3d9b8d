import { Query } from '@nestjs/cqrs';
import type { ExperimentReviewStats } from '../../../projections/reviews/query';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsString, ValidateNested } from 'class-validator';
import type { CycleStatsRow } from '../../../projections/cycle-statistics/view';
import { HEAD, type AsOf } from '../../../projections/shared/as-of';
import { AsOfDto } from '../as-of.dto';
import type { AsOfInfo } from '../query-result';

export interface CycleStatsResult extends AsOfInfo {
  readonly experimentId: string;
  readonly threshold: number;
  readonly cycles: readonly CycleStatsRow[];
  /** Reproducibility reviews as of the same point: candidates reviewed, how many reproduced (projections/reviews). */
  readonly reviews: ExperimentReviewStats;
}

/** Per-cycle statistics of one experiment as of a point in history. */
export class GetCycleStatsQuery extends Query<CycleStatsResult> {
  @IsString() @IsNotEmpty() readonly experimentId: string;
  @ValidateNested() @Type(() => AsOfDto) readonly asOf: AsOfDto;

  constructor(experimentId: string, asOf: AsOf = HEAD) {
    super();
    this.experimentId = experimentId;
    this.asOf = new AsOfDto(asOf);
  }
}
