import { Transform, type TransformFnParams } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { LedgerError } from '../../domain/shared/ledger-error';
import { asOfFromFlags, type AsOf } from '../../projections/shared/as-of';

const AS_OF_PARAMS = ['asOfCycle', 'asOfPosition', 'asOfTime'] as const;

/**
 * Query strings arrive as text. Only plain decimal digits become numbers; anything else ("1.5", "0x10", "", a repeated
 * key) stays as it came, so @IsInt refuses it instead of Number() quietly guessing.
 */
function decimalInteger({ value }: TransformFnParams): unknown {
  return typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
}

// class-validator runs a property's decorators bottom-up and stops at the first failure: the type check sits last.

/** ?asOfPosition= and ?asOfTime=: points in history that mean the same thing across experiments. */
export class PositionOrTimeParams {
  @IsOptional() @Transform(decimalInteger) @Min(0) @IsInt({ message: 'asOfPosition must be a whole number' })
  readonly asOfPosition?: number;

  @IsOptional() @IsString() @IsISO8601({ strict: true }, { message: 'asOfTime must be an ISO-8601 timestamp like 2026-01-31T12:00:00Z' })
  readonly asOfTime?: string;

  /** At most one as-of parameter; none means the head. */
  toAsOf(): AsOf {
    const given = AS_OF_PARAMS.filter((name) => (this as Record<string, unknown>)[name] !== undefined);
    if (given.length > 1) {
      throw new LedgerError('BAD_INPUT', `give at most one as-of parameter, got ${given.join(' and ')}`,
        'Pick the one that names the point in history you want: asOfCycle, asOfPosition or asOfTime.', { given });
    }
    return asOfFromFlags(this);
  }
}

/** ?asOfCycle= as well: right after that cycle of the experiment in the path completed. */
export class AsOfParams extends PositionOrTimeParams {
  @IsOptional() @Transform(decimalInteger) @Min(1) @IsInt({ message: 'asOfCycle must be a whole number' })
  readonly asOfCycle?: number;
}

export class CandidatesParams extends AsOfParams {
  @IsOptional() @Transform(decimalInteger) @Max(1_000_000) @Min(1) @IsInt({ message: 'cycle must be a whole number' })
  readonly cycle?: number;
}

/** An experiment, candidate, architecture (arch-…) or seed entry (seed:…) id in the path. */
export class IdParam {
  @IsString() @Length(1, 300) readonly id!: string;
}
