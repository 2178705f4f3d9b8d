import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ExperimentConfig } from '../../../domain/experiment/config';
import { streamIds } from '../../../domain/experiment/events';
import { experimentDecider } from '../../../domain/experiment/experiment.decider';
import { EVENT_STORE, type EventStore } from '../../ledger/event-store.port';
import { CLOCK, type Clock } from '../shared/clock';
import { runOnStream, type LedgerCommandResult } from '../shared/ledger-command';
import { validateDto } from '../shared/validate-dto';
import { RegisterExperimentCommand } from './register-experiment.command';
import { RegisterExperimentDto } from './register-experiment.dto';

@CommandHandler(RegisterExperimentCommand)
export class RegisterExperimentHandler implements ICommandHandler<RegisterExperimentCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(CLOCK) private readonly clock: Clock) {}

  async execute(command: RegisterExperimentCommand): Promise<LedgerCommandResult> {
    const dto = validateDto(RegisterExperimentDto, command.payload);
    const config = dto.config as ExperimentConfig;
    return runOnStream(this.store, this.clock, streamIds.experiment(dto.experimentId), experimentDecider,
      { type: 'RegisterExperiment', data: { experimentId: dto.experimentId, name: dto.name ?? config.name, config } }, command.meta);
  }
}
