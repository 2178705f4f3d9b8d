import { LedgerCommand } from '../shared/ledger-command';
import type { SeedCorpusDto } from './seed-corpus.dto';

/** Seeds the corpus (CorpusSeeded, with the order-free corpus hash). */
export class SeedCorpusCommand extends LedgerCommand<SeedCorpusDto> {}
