import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamIds } from '../../../domain/experiment/events';
import { experimentDecider } from '../../../domain/experiment/experiment.decider';
import { EVENT_STORE, type EventStore } from '../../ledger/event-store.port';
import { CLOCK, type Clock } from '../shared/clock';
import { runOnStream, type LedgerCommandResult } from '../shared/ledger-command';
import { validateDto } from '../shared/validate-dto';
import { SkipFineTuneCommand } from './skip-fine-tune.command';
import { SkipFineTuneDto } from './skip-fine-tune.dto';

@CommandHandler(SkipFineTuneCommand)
export class SkipFineTuneHandler implements ICommandHandler<SkipFineTuneCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(CLOCK) private readonly clock: Clock) {}

  async execute(command: SkipFineTuneCommand): Promise<LedgerCommandResult> {
    const dto = validateDto(SkipFineTuneDto, command.payload);
    return runOnStream(this.store, this.clock, streamIds.experiment(dto.experimentId), experimentDecider,
      { type: 'SkipFineTune', data: { experimentId: dto.experimentId, cycle: dto.cycle } }, command.meta);
  }
}
