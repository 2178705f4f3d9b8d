import { Query } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import type { CandidateRow } from '../../../projections/candidates/view';
import { HEAD, type AsOf } from '../../../projections/shared/as-of';
import { AsOfDto } from '../as-of.dto';
import type { AsOfInfo } from '../query-result';

export interface CandidatesResult extends AsOfInfo {
  readonly experimentId: string;
  readonly cycle: number | null;
  readonly candidates: readonly CandidateRow[];
}

/** The candidates of one experiment, optionally of one cycle. */
export class ListCandidatesQuery extends Query<CandidatesResult> {
  @IsString() @IsNotEmpty() readonly experimentId: string;
  @IsOptional() @IsInt() @Min(1) readonly cycle?: number;
  @ValidateNested() @Type(() => AsOfDto) readonly asOf: AsOfDto;

  constructor(experimentId: string, cycle?: number, asOf: AsOf = HEAD) {
    super();
    this.experimentId = experimentId;
    if (cycle !== undefined) this.cycle = cycle;
    this.asOf = new AsOfDto(asOf);
  }
}
