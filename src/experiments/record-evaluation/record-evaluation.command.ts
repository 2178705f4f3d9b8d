import { LedgerCommand } from '../shared/ledger-command';
import type { RecordEvaluationDto } from './record-evaluation.dto';

/** Records a candidate's one-epoch proxy result with its full provenance. */
export class RecordEvaluationCommand extends LedgerCommand<RecordEvaluationDto> {}
