import 'reflect-metadata';
import { IsString, Matches } from 'class-validator';
import { ID_PATTERN } from '../shared/common.dto';

export class CompleteExperimentDto {
  @IsString() @Matches(ID_PATTERN) experimentId!: string;
}
