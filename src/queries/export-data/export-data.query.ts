import { Query } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, ValidateNested } from 'class-validator';
import type { GeneratorRef } from '../../../domain/experiment/events';
import type { CandidateRecord } from '../../../projections/candidate-records/view';
import type { CycleStatsRow } from '../../../projections/cycle-statistics/view';
import { HEAD, type AsOf } from '../../../projections/shared/as-of';
import { AsOfDto } from '../as-of.dto';
import type { AsOfInfo } from '../query-result';

/** One cycle of one experiment with the generator that wrote it and the one its fine-tune produced. */
export interface CycleExportRow extends CycleStatsRow {
  readonly experimentId: string;
  readonly generator: GeneratorRef | null;
  readonly fineTunedTo: GeneratorRef | null;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
}

export interface CandidateExportRecord extends CandidateRecord {
  /** The program's source text; only when the query asked for it. */
  readonly code?: string;
}

export interface ExportDataResult extends AsOfInfo {
  /** The experiments covered, in registration order. */
  readonly experiments: readonly { readonly experimentId: string; readonly name: string; readonly configHash: string; readonly datasetId: string | null }[];
  readonly cycles: readonly CycleExportRow[];
  readonly candidates: readonly CandidateExportRecord[];
}

/**
 * The data the exports write, as of one point: per-cycle rows and full candidate records of one experiment or of all
 * (experimentId null; an as-of cycle then has no single meaning and is refused).
 */
export class GetExportDataQuery extends Query<ExportDataResult> {
  @IsOptional() @IsString() @IsNotEmpty() readonly experimentId?: string;
  @ValidateNested() @Type(() => AsOfDto) readonly asOf: AsOfDto;
  @IsBoolean() readonly withCode: boolean;

  constructor(experimentId: string | null, asOf: AsOf = HEAD, withCode = false) {
    super();
    if (experimentId !== null) this.experimentId = experimentId;
    this.asOf = new AsOfDto(asOf);
    this.withCode = withCode;
  }
}
