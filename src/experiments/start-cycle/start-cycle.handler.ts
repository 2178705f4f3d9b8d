import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamIds } from '../../../domain/experiment/events';
import { experimentDecider } from '../../../domain/experiment/experiment.decider';
import { EVENT_STORE, type EventStore } from '../../ledger/event-store.port';
import { CLOCK, type Clock } from '../shared/clock';
import { runOnStream, type LedgerCommandResult } from '../shared/ledger-command';
import { validateDto } from '../shared/validate-dto';
import { StartCycleCommand } from './start-cycle.command';
import { StartCycleDto } from './start-cycle.dto';

@CommandHandler(StartCycleCommand)
export class StartCycleHandler implements ICommandHandler<StartCycleCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(CLOCK) private readonly clock: Clock) {}

  async execute(command: StartCycleCommand): Promise<LedgerCommandResult> {
    const dto = validateDto(StartCycleDto, command.payload);
    return runOnStream(this.store, this.clock, streamIds.experiment(dto.experimentId), experimentDecider,
      {
        type: 'StartCycle',
        data: {
          experimentId: dto.experimentId, cycle: dto.cycle, candidatesPlanned: dto.candidatesPlanned,
          ...(dto.generator ? { generator: dto.generator } : {}),
        },
      }, command.meta);
  }
}
