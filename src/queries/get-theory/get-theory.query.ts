import { Query } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, ValidateNested } from 'class-validator';
import type { TheoryRow } from '../../../projections/theory/view';
import { HEAD, type AsOf } from '../../../projections/shared/as-of';
import { AsOfDto } from '../as-of.dto';
import type { AsOfInfo } from '../query-result';

export interface TheorySide {
  readonly kind: 'experiment' | 'group';
  readonly id: string;
  /** The runs the rows read (a group's runs of its first variant). */
  readonly experimentIds: readonly string[];
}

export interface TheoryResult extends AsOfInfo {
  readonly target: TheorySide;
  readonly against: TheorySide | null;
  /** One row per prediction of the convergence paper's Table 2. */
  readonly rows: readonly TheoryRow[];
}

/** The convergence paper's predictions checked on an experiment or a group (optionally against another, for Thm 5). */
export class GetTheoryQuery extends Query<TheoryResult> {
  @IsString() @IsNotEmpty() readonly target: string;
  @IsBoolean() readonly targetIsGroup: boolean;
  @IsOptional() @IsString() @IsNotEmpty() readonly against?: string;
  @ValidateNested() @Type(() => AsOfDto) readonly asOf: AsOfDto;

  constructor(target: string, targetIsGroup: boolean, against?: string, asOf: AsOf = HEAD) {
    super();
    this.target = target;
    this.targetIsGroup = targetIsGroup;
    if (against !== undefined) this.against = against;
    this.asOf = new AsOfDto(asOf);
  }
}
