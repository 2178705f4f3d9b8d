import 'reflect-metadata';
import { IsString, Matches } from 'class-validator';
import { ID_PATTERN } from '../shared/common.dto';

export class DecideAdmissionDto {
  @IsString() @Matches(ID_PATTERN) experimentId!: string;
  @IsString() @Matches(ID_PATTERN) candidateId!: string;
}
