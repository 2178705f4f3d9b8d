import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { CorpusEntryDto, ID_PATTERN } from '../shared/common.dto';

export class SeedCorpusDto {
  @IsString() @Matches(ID_PATTERN) experimentId!: string;
  @IsArray() @ArrayMaxSize(100_000) @ValidateNested({ each: true }) @Type(() => CorpusEntryDto) entries!: CorpusEntryDto[];
  @IsString() @IsNotEmpty() @MaxLength(500) source!: string;
}
