import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamIds } from '../../../domain/experiment/events';
import { experimentDecider } from '../../../domain/experiment/experiment.decider';
import { EVENT_STORE, type EventStore } from '../../ledger/event-store.port';
import { CLOCK, type Clock } from '../shared/clock';
import { runOnStream, type LedgerCommandResult } from '../shared/ledger-command';
import { validateDto } from '../shared/validate-dto';
import { RequestFineTuneCommand } from './request-fine-tune.command';
import { RequestFineTuneDto } from './request-fine-tune.dto';

@CommandHandler(RequestFineTuneCommand)
export class RequestFineTuneHandler implements ICommandHandler<RequestFineTuneCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(CLOCK) private readonly clock: Clock) {}

  async execute(command: RequestFineTuneCommand): Promise<LedgerCommandResult> {
    const dto = validateDto(RequestFineTuneDto, command.payload);
    return runOnStream(this.store, this.clock, streamIds.experiment(dto.experimentId), experimentDecider,
      { type: 'RequestFineTune', data: { experimentId: dto.experimentId, cycle: dto.cycle, corpusVersion: dto.corpusVersion, corpusHash: dto.corpusHash } }, command.meta);
  }
}
