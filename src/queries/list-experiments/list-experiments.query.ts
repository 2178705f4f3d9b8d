import { Query } from '@nestjs/cqrs';
import type { ExperimentReviewStats } from '../../../projections/reviews/query';
import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import type { ExperimentSummary } from '../../../projections/experiments/view';
import { HEAD, type AsOf } from '../../../projections/shared/as-of';
import { AsOfDto } from '../as-of.dto';
import type { AsOfInfo } from '../query-result';

export interface ExperimentsResult extends AsOfInfo {
  /** `reviews`: per experiment, candidates reviewed and how many reproduced (projections/reviews), as of the same point. */
  readonly experiments: readonly (ExperimentSummary & { readonly reviews: ExperimentReviewStats })[];
}

/** Every experiment in the store (an as-of cycle has no meaning across experiments and is refused). */
export class ListExperimentsQuery extends Query<ExperimentsResult> {
  @ValidateNested() @Type(() => AsOfDto) readonly asOf: AsOfDto;

  constructor(asOf: AsOf = HEAD) {
    super();
    this.asOf = new AsOfDto(asOf);
  }
}
