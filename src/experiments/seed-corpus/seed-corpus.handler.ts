import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamIds } from '../../../domain/experiment/events';
import { experimentDecider } from '../../../domain/experiment/experiment.decider';
import { EVENT_STORE, type EventStore } from '../../ledger/event-store.port';
import { CLOCK, type Clock } from '../shared/clock';
import { runOnStream, type LedgerCommandResult } from '../shared/ledger-command';
import { validateDto } from '../shared/validate-dto';
import { SeedCorpusCommand } from './seed-corpus.command';
import { SeedCorpusDto } from './seed-corpus.dto';

@CommandHandler(SeedCorpusCommand)
export class SeedCorpusHandler implements ICommandHandler<SeedCorpusCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(CLOCK) private readonly clock: Clock) {}

  async execute(command: SeedCorpusCommand): Promise<LedgerCommandResult> {
    const dto = validateDto(SeedCorpusDto, command.payload);
    return runOnStream(this.store, this.clock, streamIds.experiment(dto.experimentId), experimentDecider,
      { type: 'SeedCorpus', data: { experimentId: dto.experimentId, entries: dto.entries, source: dto.source } }, command.meta);
  }
}
