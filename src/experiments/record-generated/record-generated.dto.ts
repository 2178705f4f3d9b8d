import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Matches, Min, ValidateIf, ValidateNested } from 'class-validator';
import { DecodingParametersDto, GeneratorRefDto, ID_PATTERN, ParentRefDto } from '../shared/common.dto';

/** Field names and meanings are those of the event (domain/experiment/events.ts). */
export class RecordGeneratedDto {
  @IsString() @Matches(ID_PATTERN) experimentId!: string;
  @IsInt() @Min(1) cycle!: number;
  @IsString() @Matches(ID_PATTERN) candidateId!: string;
  @IsInt() @Min(0) index!: number;
  @IsString() @IsNotEmpty() code!: string;
  @IsString() @IsNotEmpty() codeHash!: string;
  @ValidateNested() @Type(() => GeneratorRefDto) generator!: GeneratorRefDto;
  @IsString() @IsNotEmpty() promptHash!: string;
  @ValidateNested() @Type(() => DecodingParametersDto) decoding!: DecodingParametersDto;
  @IsInt() seed!: number;
  @IsInt() @Min(0) outputTokens!: number;
  @ValidateIf((_o, v) => v !== null) @ValidateNested() @Type(() => ParentRefDto) parent!: ParentRefDto | null;
}
