import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsBoolean, IsIn, IsInt, IsNotEmpty, IsNumber, IsObject, IsOptional, IsPositive, IsString, Matches, Max, MaxLength, Min,
  ValidateIf, ValidateNested,
} from 'class-validator';
import { GRAMMAR_TEMPERATURE_RANGE, MAX_GRAMMAR_TEMPERATURE } from '../../domain/generators/grammar';

/**
 * The class-validator guard on every way an experiment config comes in (file, CLI flags, HTTP).
 * Field names are those of ExperimentConfig (domain/experiment/config.ts); validation runs with
 * whitelist + forbidNonWhitelisted, so an unknown key is an error, not silently dropped.
 */
export const DATASETS = ['fashion-mnist', 'mnist', 'cifar10', 'cifar100', 'svhn', 'sim'] as const;
export const PROTOCOLS = ['fast', 'nngpt', 'sim'] as const;
/** grammar | sim | llm:<path> | openai:<url> */
export const GENERATOR_SPEC = /^(grammar|sim|llm:.+|openai:https?:\/\/.+)$/;
export const DEVICE_SPEC = /^(auto|cpu|cuda|cuda:\d+)$/;
/** inproc | kafka://host:port[,host:port...] */
export const BUS_URL = /^(inproc|kafka:\/\/[^\s,/:]+:\d+(,[^\s,/:]+:\d+)*)$/;

export class NoveltyParametersDto {
  @IsInt() @Min(1) @Max(64) shingleSize!: number;
  @IsInt() @Min(16) @Max(1024) permutations!: number;
  @IsNumber() @Min(0) @Max(1) lshThreshold!: number;
  @IsNumber() @Min(0) @Max(1) nearDuplicateTau!: number;
  @IsInt() @Min(0) seed!: number;
  @IsBoolean() normalizeNames!: boolean;
  @IsBoolean() structuralBlocks!: boolean;
}

export class AblationSwitchesDto {
  @IsBoolean() noNovelty!: boolean;
  @IsBoolean() noThreshold!: boolean;
  @IsBoolean() noIteration!: boolean;
}

export class ExperimentConfigDto {
  @IsString() @IsNotEmpty() @MaxLength(120) name!: string;
  @IsInt() @Min(1) @Max(1000) cycles!: number;
  @IsInt() @Min(1) @Max(10_000) candidatesPerCycle!: number;
  @IsIn(DATASETS) dataset!: string;
  @ValidateIf((_o, v) => v !== null) @IsInt() @Min(16) @Max(10_000_000) subset!: number | null;
  @IsIn(PROTOCOLS) protocol!: string;
  @IsNumber() @Min(0) @Max(1) threshold!: number;
  @IsObject() @ValidateNested() @Type(() => NoveltyParametersDto) novelty!: NoveltyParametersDto;
  @IsString() @Matches(GENERATOR_SPEC, { message: 'generator must be grammar, sim, llm:<path> or openai:<url>' }) generator!: string;
  @IsBoolean() delta!: boolean;
  @IsInt() @Min(0) @Max(2 ** 31 - 1) seed!: number;
  @IsInt() @Min(1000) @Max(1_000_000_000) parameterBudget!: number;
  @ValidateIf((_o, v) => v !== null) @IsInt() @Min(1000) @Max(1_000_000_000_000) flopsBudget!: number | null;
  @IsObject() @ValidateNested() @Type(() => AblationSwitchesDto) ablations!: AblationSwitchesDto;
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: `grammarTemperature must be ${GRAMMAR_TEMPERATURE_RANGE}` })
  @IsPositive({ message: `grammarTemperature must be ${GRAMMAR_TEMPERATURE_RANGE}` })
  @Max(MAX_GRAMMAR_TEMPERATURE, { message: `grammarTemperature must be ${GRAMMAR_TEMPERATURE_RANGE}` }) grammarTemperature!: number;
  @IsBoolean() rejectionSampling!: boolean;
  @IsInt() @Min(0) @Max(100) maxRedraws!: number;
  @IsString() @Matches(DEVICE_SPEC, { message: 'device must be auto, cpu, cuda or cuda:<n>' }) device!: string;
  @IsString() @IsNotEmpty() store!: string;
  @IsString() @Matches(BUS_URL, { message: 'bus must be inproc or kafka://host:port[,host:port]' }) bus!: string;
  @IsOptional() @IsString() comment?: string;
}
