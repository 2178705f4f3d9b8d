import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamIds } from '../../../domain/experiment/events';
import { experimentDecider } from '../../../domain/experiment/experiment.decider';
import { EVENT_STORE, type EventStore } from '../../ledger/event-store.port';
import { CLOCK, type Clock } from '../shared/clock';
import { runOnStream, type LedgerCommandResult } from '../shared/ledger-command';
import { validateDto } from '../shared/validate-dto';
import { CompleteExperimentCommand } from './complete-experiment.command';
import { CompleteExperimentDto } from './complete-experiment.dto';

@CommandHandler(CompleteExperimentCommand)
export class CompleteExperimentHandler implements ICommandHandler<CompleteExperimentCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(CLOCK) private readonly clock: Clock) {}

  async execute(command: CompleteExperimentCommand): Promise<LedgerCommandResult> {
    const dto = validateDto(CompleteExperimentDto, command.payload);
    return runOnStream(this.store, this.clock, streamIds.experiment(dto.experimentId), experimentDecider,
      { type: 'CompleteExperiment', data: { experimentId: dto.experimentId } }, command.meta);
  }
}
