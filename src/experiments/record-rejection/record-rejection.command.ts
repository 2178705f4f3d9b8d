import { LedgerCommand } from '../shared/ledger-command';
import type { RecordRejectionDto } from './record-rejection.dto';

/** Records that a candidate failed validation, with the first stage that failed. */
export class RecordRejectionCommand extends LedgerCommand<RecordRejectionDto> {}
