import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { candidateDecider } from '../../../domain/candidate/candidate.decider';
import { streamIds } from '../../../domain/experiment/events';
import { EVENT_STORE, type EventStore } from '../../ledger/event-store.port';
import { CLOCK, type Clock } from '../shared/clock';
import { loadAcceptingExperiment } from '../shared/experiment-gate';
import { runOnStream, type LedgerCommandResult } from '../shared/ledger-command';
import { validateDto } from '../shared/validate-dto';
import { RecordGeneratedCommand } from './record-generated.command';
import { RecordGeneratedDto } from './record-generated.dto';

@CommandHandler(RecordGeneratedCommand)
export class RecordGeneratedHandler implements ICommandHandler<RecordGeneratedCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(CLOCK) private readonly clock: Clock) {}

  async execute(command: RecordGeneratedCommand): Promise<LedgerCommandResult> {
    const dto = validateDto(RecordGeneratedDto, command.payload);
    await loadAcceptingExperiment(this.store, dto.experimentId, dto.cycle);
    return runOnStream(this.store, this.clock, streamIds.candidate(dto.candidateId), candidateDecider,
      { type: 'RecordGenerated', data: dto }, command.meta);
  }
}
