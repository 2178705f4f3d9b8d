import 'reflect-metadata';
import { IsInt, IsString, Matches, Min } from 'class-validator';
import { ID_PATTERN } from '../shared/common.dto';

export class SkipFineTuneDto {
  @IsString() @Matches(ID_PATTERN) experimentId!: string;
  @IsInt() @Min(1) cycle!: number;
}
