import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { candidateDecider } from '../../../domain/candidate/candidate.decider';
import { streamIds } from '../../../domain/experiment/events';
import { EVENT_STORE, type EventStore } from '../../ledger/event-store.port';
import { CLOCK, type Clock } from '../shared/clock';
import { loadAcceptingExperiment } from '../shared/experiment-gate';
import { runOnStream, type LedgerCommandResult } from '../shared/ledger-command';
import { validateDto } from '../shared/validate-dto';
import { RecordEvaluationCommand } from './record-evaluation.command';
import { RecordEvaluationDto } from './record-evaluation.dto';

@CommandHandler(RecordEvaluationCommand)
export class RecordEvaluationHandler implements ICommandHandler<RecordEvaluationCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(CLOCK) private readonly clock: Clock) {}

  async execute(command: RecordEvaluationCommand): Promise<LedgerCommandResult> {
    const dto = validateDto(RecordEvaluationDto, command.payload);
    await loadAcceptingExperiment(this.store, dto.experimentId);
    return runOnStream(this.store, this.clock, streamIds.candidate(dto.candidateId), candidateDecider,
      { type: 'RecordEvaluation', data: dto }, command.meta);
  }
}
