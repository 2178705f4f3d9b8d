import { LedgerCommand } from '../shared/ledger-command';
import type { CompleteCycleDto } from './complete-cycle.dto';

/** Completes the running cycle once every candidate is decided and the fine-tune finished or was skipped. */
export class CompleteCycleCommand extends LedgerCommand<CompleteCycleDto> {}
