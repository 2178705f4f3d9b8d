import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { candidateDecider } from '../../../domain/candidate/candidate.decider';
import { streamIds } from '../../../domain/experiment/events';
import { EVENT_STORE, type EventStore } from '../../ledger/event-store.port';
import { CLOCK, type Clock } from '../shared/clock';
import { loadAcceptingExperiment } from '../shared/experiment-gate';
import { runOnStream, type LedgerCommandResult } from '../shared/ledger-command';
import { validateDto } from '../shared/validate-dto';
import { RecordRejectionCommand } from './record-rejection.command';
import { RecordRejectionDto } from './record-rejection.dto';

@CommandHandler(RecordRejectionCommand)
export class RecordRejectionHandler implements ICommandHandler<RecordRejectionCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(CLOCK) private readonly clock: Clock) {}

  async execute(command: RecordRejectionCommand): Promise<LedgerCommandResult> {
    const dto = validateDto(RecordRejectionDto, command.payload);
    await loadAcceptingExperiment(this.store, dto.experimentId);
    return runOnStream(this.store, this.clock, streamIds.candidate(dto.candidateId), candidateDecider,
      { type: 'RecordRejection', data: dto }, command.meta);
  }
}
