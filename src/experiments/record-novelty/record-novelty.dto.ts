import 'reflect-metadata';
import { IsBase64, IsBoolean, IsInt, IsNumber, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { ID_PATTERN } from '../shared/common.dto';

/** Field names and meanings are those of the event (domain/experiment/events.ts). */
export class RecordNoveltyDto {
  @IsString() @Matches(ID_PATTERN) experimentId!: string;
  @IsInt() @Min(1) cycle!: number;
  @IsString() @Matches(ID_PATTERN) candidateId!: string;
  @IsNumber() @Min(0) @Max(1) jTrain!: number;
  @IsNumber() @Min(0) @Max(1) jGen!: number;
  @ValidateIf((_o, v) => v !== null) @IsString() nearestTrainId!: string | null;
  @ValidateIf((_o, v) => v !== null) @IsString() nearestGenId!: string | null;
  @IsBoolean() nearDupTextTrain!: boolean;
  @IsBoolean() nearDupTextGen!: boolean;
  @IsInt() @Min(0) rejectionCount!: number;
  @ValidateIf((_o, v) => v !== null) @IsString() structuralFingerprint!: string | null;
  @ValidateIf((_o, v) => v !== null) @IsString() structuralDuplicateOf!: string | null;
  @IsBase64() signature!: string;
}
