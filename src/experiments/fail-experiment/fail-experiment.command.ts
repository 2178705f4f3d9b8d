import { LedgerCommand } from '../shared/ledger-command';
import type { FailExperimentDto } from './fail-experiment.dto';

/** Records that an experiment failed (or was stopped early), with the reason. */
export class FailExperimentCommand extends LedgerCommand<FailExperimentDto> {}
