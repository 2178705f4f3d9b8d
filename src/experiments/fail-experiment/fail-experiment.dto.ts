import 'reflect-metadata';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { ID_PATTERN } from '../shared/common.dto';

export class FailExperimentDto {
  @IsString() @Matches(ID_PATTERN) experimentId!: string;
  @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}
