import 'reflect-metadata';
import { IsInt, IsNotEmpty, IsString, Matches, Min } from 'class-validator';
import { ID_PATTERN } from '../shared/common.dto';

export class RequestFineTuneDto {
  @IsString() @Matches(ID_PATTERN) experimentId!: string;
  @IsInt() @Min(1) cycle!: number;
  @IsInt() @Min(0) corpusVersion!: number;
  @IsString() @IsNotEmpty() corpusHash!: string;
}
