import { Query } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import type { ExperimentSummary } from '../../../projections/experiments/view';
import { HEAD, type AsOf } from '../../../projections/shared/as-of';
import { AsOfDto } from '../as-of.dto';
import type { AsOfInfo } from '../query-result';

export interface ExperimentsResult extends AsOfInfo {
  readonly experiments: readonly ExperimentSummary[];
}

/** Every experiment in the store (an as-of cycle has no meaning across experiments and is refused). */
export class ListExperimentsQuery extends Query<ExperimentsResult> {
  @ValidateNested() @Type(() => AsOfDto) readonly asOf: AsOfDto;

  constructor(asOf: AsOf = HEAD) {
    super();
    this.asOf = new AsOfDto(asOf);
  }
}
