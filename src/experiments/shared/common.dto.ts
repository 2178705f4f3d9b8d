import 'reflect-metadata';
import {
  IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, Max, MaxLength, Min, ValidateIf, registerDecorator, type ValidationOptions,
} from 'class-validator';

/** Ids: printable, no whitespace, short enough for stream names. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,199}$/;

export class CommandMetaDto {
  @IsString() @IsNotEmpty() @MaxLength(300) commandId!: string;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(300) correlationId?: string;
  @IsOptional() @ValidateIf((_o, v) => v !== null) @IsString() @MaxLength(300) causationId?: string | null;
  @IsString() @IsNotEmpty() @MaxLength(200) actor!: string;
}

export class GeneratorRefDto {
  @IsString() @IsNotEmpty() @MaxLength(500) id!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) version!: string;
}

export class CorpusEntryDto {
  @IsString() @IsNotEmpty() @MaxLength(300) entryId!: string;
  @IsString() @IsNotEmpty() @MaxLength(300) name!: string;
  @IsString() @IsNotEmpty() code!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) codeHash!: string;
  @ValidateIf((_o, v) => v !== null) @IsNumber() @Min(0) @Max(1) accuracy!: number | null;
}

export class DecodingParametersDto {
  @IsNumber() @Min(0) @Max(10) temperature!: number;
  @IsInt() @Min(0) topK!: number;
  @IsNumber() @Min(0) @Max(1) topP!: number;
  @IsInt() @Min(1) maxNewTokens!: number;
}

export class ParentRefDto {
  @IsString() @IsNotEmpty() entryId!: string;
  @IsString() diff!: string;
}

export class DatasetRefDto {
  @IsString() @IsNotEmpty() id!: string;
  @IsString() @IsNotEmpty() contentHash!: string;
}

/** An object whose every value has the given primitive type (library versions, phase timings). */
export function IsRecordOf(valueType: 'string' | 'number', options?: ValidationOptions) {
  return (target: object, propertyName: string) => registerDecorator({
    name: 'isRecordOf', target: target.constructor, propertyName, options,
    validator: {
      validate: (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === valueType && (valueType === 'string' || Number.isFinite(v))),
      defaultMessage: () => `${propertyName} must be an object of ${valueType} values`,
    },
  });
}
