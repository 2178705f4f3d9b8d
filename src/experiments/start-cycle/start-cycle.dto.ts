import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Min, ValidateNested } from 'class-validator';
import { GeneratorRefDto, ID_PATTERN } from '../shared/common.dto';

export class StartCycleDto {
  @IsString() @Matches(ID_PATTERN) experimentId!: string;
  @IsInt() @Min(1) cycle!: number;
  @IsOptional() @ValidateNested() @Type(() => GeneratorRefDto) generator?: GeneratorRefDto;
  @IsInt() @Min(1) candidatesPlanned!: number;
}
