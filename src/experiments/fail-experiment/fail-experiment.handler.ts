import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamIds } from '../../../domain/experiment/events';
import { experimentDecider } from '../../../domain/experiment/experiment.decider';
import { EVENT_STORE, type EventStore } from '../../ledger/event-store.port';
import { CLOCK, type Clock } from '../shared/clock';
import { runOnStream, type LedgerCommandResult } from '../shared/ledger-command';
import { validateDto } from '../shared/validate-dto';
import { FailExperimentCommand } from './fail-experiment.command';
import { FailExperimentDto } from './fail-experiment.dto';

@CommandHandler(FailExperimentCommand)
export class FailExperimentHandler implements ICommandHandler<FailExperimentCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(CLOCK) private readonly clock: Clock) {}

  async execute(command: FailExperimentCommand): Promise<LedgerCommandResult> {
    const dto = validateDto(FailExperimentDto, command.payload);
    return runOnStream(this.store, this.clock, streamIds.experiment(dto.experimentId), experimentDecider,
      { type: 'FailExperiment', data: { experimentId: dto.experimentId, reason: dto.reason } }, command.meta);
  }
}
