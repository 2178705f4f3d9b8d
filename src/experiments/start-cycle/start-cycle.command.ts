import { LedgerCommand } from '../shared/ledger-command';
import type { StartCycleDto } from './start-cycle.dto';

/** Starts the next cycle (CycleStarted); cycle 1 names its generator, later cycles use the last fine-tune output. */
export class StartCycleCommand extends LedgerCommand<StartCycleDto> {}
