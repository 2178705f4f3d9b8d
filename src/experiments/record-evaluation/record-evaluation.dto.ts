import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsNotEmpty, IsNumber, IsString, Matches, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import type { ProtocolValues } from '../../../domain/experiment/events';
import { DatasetRefDto, ID_PATTERN, IsRecordOf } from '../shared/common.dto';

/** Field names and meanings are those of the event (domain/experiment/events.ts). */
export class RecordEvaluationDto {
  @IsString() @Matches(ID_PATTERN) experimentId!: string;
  @IsInt() @Min(1) cycle!: number;
  @IsString() @Matches(ID_PATTERN) candidateId!: string;
  @IsNumber() @Min(0) @Max(1) accuracy!: number;
  @IsNumber() loss!: number;
  @IsInt() @Min(0) params!: number;
  @ValidateNested() @Type(() => DatasetRefDto) dataset!: DatasetRefDto;
  @IsString() @IsNotEmpty() protocolHash!: string;
  @IsInt() seed!: number;
  @IsString() @IsNotEmpty() device!: string;
  @IsRecordOf('string') libraries!: Record<string, string>;
  @IsRecordOf('number') timings!: Record<string, number>;
  @ValidateIf((_o, v) => v !== null) @IsString() structuralFingerprint!: string | null;
  @IsOptional() @IsInt() @Min(0) flops?: number | null;
  /** Every value the protocolHash covers (CandidateEvaluated v2); the decider records what is sent, null or absent = not recorded. */
  @IsOptional() @IsObject() protocolValues?: ProtocolValues | null;
}
