import { Query } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsString, ValidateNested } from 'class-validator';
import type { CorpusSnapshot } from '../../../projections/corpus/view';
import { HEAD, type AsOf } from '../../../projections/shared/as-of';
import { AsOfDto } from '../as-of.dto';
import type { AsOfInfo } from '../query-result';

export type CorpusResult = CorpusSnapshot & AsOfInfo;

/** The members of an experiment's corpus at a point in history. */
export class GetCorpusQuery extends Query<CorpusResult> {
  @IsString() @IsNotEmpty() readonly experimentId: string;
  @ValidateNested() @Type(() => AsOfDto) readonly asOf: AsOfDto;

  constructor(experimentId: string, asOf: AsOf = HEAD) {
    super();
    this.experimentId = experimentId;
    this.asOf = new AsOfDto(asOf);
  }
}
