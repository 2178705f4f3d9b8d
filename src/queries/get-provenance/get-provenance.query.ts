import { Query } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength, ValidateNested } from 'class-validator';
import type { Provenance } from '../../../projections/lineage/query';
import { HEAD, type AsOf } from '../../../projections/shared/as-of';
import { AsOfDto } from '../as-of.dto';
import type { AsOfInfo } from '../query-result';
import type { CandidateVerdict } from '../../../projections/reviews/view';

/** `reviews`: the candidate's reproducibility verdicts (every review, log order) as of the same point. */
export type ProvenanceResult = Provenance & AsOfInfo & { readonly reviews: readonly CandidateVerdict[] };

/** The chain of events behind a candidate id, an admitted architecture id (`arch-…`) or a seed entry (`seed:…`). */
export class GetProvenanceQuery extends Query<ProvenanceResult> {
  @IsString() @IsNotEmpty() @MaxLength(300) readonly id: string;
  @ValidateNested() @Type(() => AsOfDto) readonly asOf: AsOfDto;

  constructor(id: string, asOf: AsOf = HEAD) {
    super();
    this.id = id;
    this.asOf = new AsOfDto(asOf);
  }
}
