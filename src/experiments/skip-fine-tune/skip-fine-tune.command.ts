import { LedgerCommand } from '../shared/ledger-command';
import type { SkipFineTuneDto } from './skip-fine-tune.dto';

/** Skips the fine-tune of a cycle after the first, under the no-iteration ablation only. */
export class SkipFineTuneCommand extends LedgerCommand<SkipFineTuneDto> {}
