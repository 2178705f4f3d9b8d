import { LedgerCommand } from '../shared/ledger-command';
import type { RegisterExperimentDto } from './register-experiment.dto';

/** Registers an experiment with its full config (ExperimentRegistered, with the config hash). */
export class RegisterExperimentCommand extends LedgerCommand<RegisterExperimentDto> {}
