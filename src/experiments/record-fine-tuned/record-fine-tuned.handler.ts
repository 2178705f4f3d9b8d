import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streamIds } from '../../../domain/experiment/events';
import { experimentDecider } from '../../../domain/experiment/experiment.decider';
import { EVENT_STORE, type EventStore } from '../../ledger/event-store.port';
import { CLOCK, type Clock } from '../shared/clock';
import { runOnStream, type LedgerCommandResult } from '../shared/ledger-command';
import { validateDto } from '../shared/validate-dto';
import { RecordFineTunedCommand } from './record-fine-tuned.command';
import { RecordFineTunedDto } from './record-fine-tuned.dto';

@CommandHandler(RecordFineTunedCommand)
export class RecordFineTunedHandler implements ICommandHandler<RecordFineTunedCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(CLOCK) private readonly clock: Clock) {}

  async execute(command: RecordFineTunedCommand): Promise<LedgerCommandResult> {
    const dto = validateDto(RecordFineTunedDto, command.payload);
    return runOnStream(this.store, this.clock, streamIds.experiment(dto.experimentId), experimentDecider,
      {
        type: 'RecordFineTuned',
        data: { experimentId: dto.experimentId, cycle: dto.cycle, to: dto.to, adapterHash: dto.adapterHash, loss: dto.loss, durationMs: dto.durationMs },
      }, command.meta);
  }
}
