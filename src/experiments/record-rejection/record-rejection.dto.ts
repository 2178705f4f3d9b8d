import 'reflect-metadata';
import { IsIn, IsInt, IsString, Matches, MaxLength, Min, ValidateIf } from 'class-validator';
import { REJECTION_STAGES, type RejectionStage } from '../../../domain/experiment/events';
import { ID_PATTERN } from '../shared/common.dto';

/** Field names and meanings are those of the event (domain/experiment/events.ts). */
export class RecordRejectionDto {
  @IsString() @Matches(ID_PATTERN) experimentId!: string;
  @IsInt() @Min(1) cycle!: number;
  @IsString() @Matches(ID_PATTERN) candidateId!: string;
  @IsIn(REJECTION_STAGES) stage!: RejectionStage;
  @IsString() @MaxLength(20_000) reason!: string;
  @ValidateIf((_o, v) => v !== null) @IsInt() @Min(0) params!: number | null;
  @ValidateIf((_o, v) => v !== null) @IsString() device!: string | null;
}
