import { Command } from '@nestjs/cqrs';
import type { CommandMetadata, HandledCommand, HandleCommandOptions } from '../../ledger/handle-command';

/** What every command handler returns through the CommandBus. */
export interface LedgerCommandResult {
  readonly streamId: string;
  readonly outcome: HandledCommand<unknown, unknown>['outcome'];
  readonly events: ReadonlyArray<{ readonly type: string; readonly data: unknown }>;
  readonly eventIds: readonly string[];
  readonly streamVersion: number;
  readonly lastGlobalPosition: number | null;
}

/**
 * Base of the Nest commands: `payload` is the use case's DTO shape, checked again at runtime by the handler
 * (it may come from HTTP, the CLI or a bus message), `meta` says who asks and under which correlation (checked
 * too; recordedAt comes from the application's clock unless `meta.now` is given), `options` how a concurrent
 * writer is met (the orchestrator sends ONE_ATTEMPT: it re-plans from the ledger on 'conflict' instead of
 * re-deciding a command its view no longer asks for).
 */
export abstract class LedgerCommand<Payload> extends Command<LedgerCommandResult> {
  constructor(readonly payload: Payload, readonly meta: CommandMetadata, readonly options: HandleCommandOptions = {}) {
    super();
  }
}
