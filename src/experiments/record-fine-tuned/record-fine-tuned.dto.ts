import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsNumber, IsString, Matches, Min, ValidateIf, ValidateNested } from 'class-validator';
import { GeneratorRefDto, ID_PATTERN } from '../shared/common.dto';

export class RecordFineTunedDto {
  @IsString() @Matches(ID_PATTERN) experimentId!: string;
  @IsInt() @Min(1) cycle!: number;
  @ValidateNested() @Type(() => GeneratorRefDto) to!: GeneratorRefDto;
  @IsString() @IsNotEmpty() adapterHash!: string;
  @ValidateIf((_o, v) => v !== null) @IsNumber() loss!: number | null;
  @IsInt() @Min(0) durationMs!: number;
}
