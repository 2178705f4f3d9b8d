import { IsIn, IsInt, IsISO8601, Min, ValidateIf } from 'class-validator';
import { assertNever } from '../../projections/shared/assert-never';
import type { AsOf } from '../../projections/shared/as-of';

/** The as-of point as it crosses a boundary (CLI, HTTP, QueryBus): checked by class-validator before any read. */
export class AsOfDto {
  @IsIn(['head', 'position', 'cycle', 'time']) readonly kind: AsOf['kind'];
  @ValidateIf((o: AsOfDto) => o.kind === 'position') @IsInt() @Min(0) readonly position?: number;
  @ValidateIf((o: AsOfDto) => o.kind === 'cycle') @IsInt() @Min(1) readonly cycle?: number;
  @ValidateIf((o: AsOfDto) => o.kind === 'time') @IsISO8601({ strict: true }) readonly time?: string;

  constructor(asOf: AsOf) {
    this.kind = asOf.kind;
    if (asOf.kind === 'position') this.position = asOf.position;
    if (asOf.kind === 'cycle') this.cycle = asOf.cycle;
    if (asOf.kind === 'time') this.time = asOf.time;
  }

  toAsOf(): AsOf {
    switch (this.kind) {
      case 'head': return { kind: 'head' };
      case 'position': return { kind: 'position', position: this.position! };
      case 'cycle': return { kind: 'cycle', cycle: this.cycle! };
      case 'time': return { kind: 'time', time: this.time! };
      default: return assertNever(this.kind, 'as-of');
    }
  }
}
