import { Query } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { HEAD, type AsOf } from '../../../projections/shared/as-of';
import { AsOfDto } from '../as-of.dto';
import type { ShownRecord } from './read-record';

export type ShowRecordResult = ShownRecord;

/** The whole record behind a candidate id, an architecture id (`arch-…`) or a seed entry id (`seed:…`). */
export class ShowRecordQuery extends Query<ShowRecordResult> {
  @IsString() @IsNotEmpty() @MaxLength(300) readonly id: string;
  @ValidateNested() @Type(() => AsOfDto) readonly asOf: AsOfDto;
  /** Needed only when a seed or architecture id exists in several experiments. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(300) readonly experimentId?: string;

  constructor(id: string, asOf: AsOf = HEAD, experimentId?: string) {
    super();
    this.id = id;
    this.asOf = new AsOfDto(asOf);
    if (experimentId !== undefined) this.experimentId = experimentId;
  }
}
