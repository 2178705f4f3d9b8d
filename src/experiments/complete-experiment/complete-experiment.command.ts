import { LedgerCommand } from '../shared/ledger-command';
import type { CompleteExperimentDto } from './complete-experiment.dto';

/** Completes an experiment that ran all its configured cycles. */
export class CompleteExperimentCommand extends LedgerCommand<CompleteExperimentDto> {}
