import { LedgerCommand } from '../shared/ledger-command';
import type { RecordGeneratedDto } from './record-generated.dto';

/** Records a generated candidate (code, hash, generator version, prompt, decoding, seed). */
export class RecordGeneratedCommand extends LedgerCommand<RecordGeneratedDto> {}
