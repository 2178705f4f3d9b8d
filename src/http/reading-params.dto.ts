import { IsNotEmpty, IsOptional, IsString, Length } from 'class-validator';
import { HEAD, type AsOf } from '../../projections/shared/as-of';
import { parseLedgerPoint } from '../queries/get-ledger-diff/ledger-point';
import { AsOfParams } from './query-params.dto';

/** ?from=&to= of /api/experiments/:id/diff: points written as `diff --from/--to` takes them (cycle:N, position:P, time:ISO, N, start, head). */
export class DiffParams {
  @IsString() @IsNotEmpty() @Length(1, 100) readonly from!: string;
  @IsOptional() @IsString() @Length(1, 100) readonly to?: string;

  points(): { from: AsOf; to: AsOf } {
    return { from: parseLedgerPoint('from', this.from), to: this.to === undefined ? HEAD : parseLedgerPoint('to', this.to) };
  }
}

/** /api/show/:id: the as-of parameters, and ?experiment= for a seed or architecture id found in several experiments. */
export class ShowParams extends AsOfParams {
  @IsOptional() @IsString() @Length(1, 300) readonly experiment?: string;
}
