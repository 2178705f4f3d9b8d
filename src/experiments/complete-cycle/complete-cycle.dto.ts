import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Min, ValidateNested } from 'class-validator';
import { ID_PATTERN } from '../shared/common.dto';

export class CycleCandidateCountsDto {
  @IsInt() @Min(0) generated!: number;
  @IsInt() @Min(0) terminal!: number;
  @IsInt() @Min(0) admitted!: number;
}

export class CompleteCycleDto {
  @IsString() @Matches(ID_PATTERN) experimentId!: string;
  @IsInt() @Min(1) cycle!: number;
  /** Read by the caller from the cycle's candidate streams. */
  @ValidateNested() @Type(() => CycleCandidateCountsDto) candidates!: CycleCandidateCountsDto;
}
