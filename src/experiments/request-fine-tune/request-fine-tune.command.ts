import { LedgerCommand } from '../shared/ledger-command';
import type { RequestFineTuneDto } from './request-fine-tune.dto';

/** Requests the generator fine-tune of the running cycle on a named corpus version. */
export class RequestFineTuneCommand extends LedgerCommand<RequestFineTuneDto> {}
