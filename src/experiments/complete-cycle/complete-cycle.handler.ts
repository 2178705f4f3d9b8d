import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamIds } from '../../../domain/experiment/events';
import { experimentDecider } from '../../../domain/experiment/experiment.decider';
import { EVENT_STORE, type EventStore } from '../../ledger/event-store.port';
import { CLOCK, type Clock } from '../shared/clock';
import { runOnStream, type LedgerCommandResult } from '../shared/ledger-command';
import { validateDto } from '../shared/validate-dto';
import { CompleteCycleCommand } from './complete-cycle.command';
import { CompleteCycleDto } from './complete-cycle.dto';

@CommandHandler(CompleteCycleCommand)
export class CompleteCycleHandler implements ICommandHandler<CompleteCycleCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(CLOCK) private readonly clock: Clock) {}

  async execute(command: CompleteCycleCommand): Promise<LedgerCommandResult> {
    const dto = validateDto(CompleteCycleDto, command.payload);
    return runOnStream(this.store, this.clock, streamIds.experiment(dto.experimentId), experimentDecider,
      { type: 'CompleteCycle', data: { experimentId: dto.experimentId, cycle: dto.cycle, candidates: dto.candidates } }, command.meta);
  }
}
