import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { admissionRulesOf, candidateDecider } from '../../../domain/candidate/candidate.decider';
import { streamIds } from '../../../domain/experiment/events';
import { EVENT_STORE, type EventStore } from '../../ledger/event-store.port';
import { CLOCK, type Clock } from '../shared/clock';
import { loadAcceptingExperiment } from '../shared/experiment-gate';
import { runOnStream, type LedgerCommandResult } from '../shared/ledger-command';
import { validateDto } from '../shared/validate-dto';
import { DecideAdmissionCommand } from './decide-admission.command';
import { DecideAdmissionDto } from './decide-admission.dto';

@CommandHandler(DecideAdmissionCommand)
export class DecideAdmissionHandler implements ICommandHandler<DecideAdmissionCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(CLOCK) private readonly clock: Clock) {}

  async execute(command: DecideAdmissionCommand): Promise<LedgerCommandResult> {
    const dto = validateDto(DecideAdmissionDto, command.payload);
    // The rules are the experiment's registered config, never the caller's say-so.
    const experiment = await loadAcceptingExperiment(this.store, dto.experimentId);
    const rules = admissionRulesOf(experiment.config);
    return runOnStream(this.store, this.clock, streamIds.candidate(dto.candidateId), candidateDecider,
      { type: 'DecideAdmission', data: { experimentId: dto.experimentId, candidateId: dto.candidateId, rules } }, command.meta);
  }
}
