import { LedgerCommand } from '../shared/ledger-command';
import type { RecordFineTunedDto } from './record-fine-tuned.dto';

/** Records the finished fine-tune: the new generator version and adapter hash. */
export class RecordFineTunedCommand extends LedgerCommand<RecordFineTunedDto> {}
