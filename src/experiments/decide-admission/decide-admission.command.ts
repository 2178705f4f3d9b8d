import { LedgerCommand } from '../shared/ledger-command';
import type { DecideAdmissionDto } from './decide-admission.dto';

/** Decides whether a judged candidate joins the corpus, under the experiment's threshold and ablations. */
export class DecideAdmissionCommand extends LedgerCommand<DecideAdmissionDto> {}
