import { Query } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength, ValidateNested } from 'class-validator';
import type { Provenance } from '../../../projections/lineage/query';
import { HEAD, type AsOf } from '../../../projections/shared/as-of';
import { AsOfDto } from '../as-of.dto';
import type { AsOfInfo } from '../query-result';

export type ProvenanceResult = Provenance & AsOfInfo;

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
