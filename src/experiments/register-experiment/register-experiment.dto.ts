import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMinSize, ArrayUnique, IsArray, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ExperimentConfigDto } from '../../config/experiment-config.dto';
import { ID_PATTERN } from '../shared/common.dto';

/** A multi-seed group (replicate, ablate --seeds, a novelty-threshold sweep). */
export class ExperimentGroupDto {
  @IsString() @Matches(ID_PATTERN, { message: 'groupId must be letters, digits and ._:@/+- (no spaces)' }) groupId!: string;
  @IsString() @MaxLength(120) variant!: string;
  @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsInt({ each: true }) seeds!: number[];
}

export class RegisterExperimentDto {
  @IsString() @Matches(ID_PATTERN, { message: 'experimentId must be letters, digits and ._:@/+- (no spaces)' }) experimentId!: string;
  /** Default: config.name. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(120) name?: string;
  @IsObject() @ValidateNested() @Type(() => ExperimentConfigDto) config!: ExperimentConfigDto;
  /** Absent: registered alone. */
  @IsOptional() @IsObject() @ValidateNested() @Type(() => ExperimentGroupDto) group?: ExperimentGroupDto;
}
