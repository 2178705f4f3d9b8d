import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ExperimentConfigDto } from '../../config/experiment-config.dto';
import { ID_PATTERN } from '../shared/common.dto';

export class RegisterExperimentDto {
  @IsString() @Matches(ID_PATTERN, { message: 'experimentId must be letters, digits and ._:@/+- (no spaces)' }) experimentId!: string;
  /** Default: config.name. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(120) name?: string;
  @IsObject() @ValidateNested() @Type(() => ExperimentConfigDto) config!: ExperimentConfigDto;
}
