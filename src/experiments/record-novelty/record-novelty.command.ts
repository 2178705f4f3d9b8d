import { LedgerCommand } from '../shared/ledger-command';
import type { RecordNoveltyDto } from './record-novelty.dto';

/** Records a candidate's MinHash novelty verdict (J_train, J_gen, nearest ids, flags, signature). */
export class RecordNoveltyCommand extends LedgerCommand<RecordNoveltyDto> {}
