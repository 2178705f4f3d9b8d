import { Query } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, ValidateNested } from 'class-validator';
import type { AsOf } from '../../../projections/shared/as-of';
import { AsOfDto } from '../as-of.dto';
import type { LedgerDiff } from './read-diff';

export type LedgerDiffResult = LedgerDiff;

/** What changed in one experiment between two points in history (`from` at or before `to`). */
export class GetLedgerDiffQuery extends Query<LedgerDiffResult> {
  @IsString() @IsNotEmpty() readonly experimentId: string;
  @ValidateNested() @Type(() => AsOfDto) readonly from: AsOfDto;
  @ValidateNested() @Type(() => AsOfDto) readonly to: AsOfDto;
  /** Where the grammar's θ artifacts are; default: beside the default store (artifactDirFor). */
  @IsOptional() @IsString() readonly artifactsDir?: string;

  constructor(experimentId: string, from: AsOf, to: AsOf, artifactsDir?: string) {
    super();
    this.experimentId = experimentId;
    this.from = new AsOfDto(from);
    this.to = new AsOfDto(to);
    if (artifactsDir !== undefined) this.artifactsDir = artifactsDir;
  }
}
