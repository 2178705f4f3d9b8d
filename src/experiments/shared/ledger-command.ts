import { Command } from '@nestjs/cqrs';
import type { Decider } from '../../../domain/shared/decider';
import type { EventStore } from '../../ledger/event-store.port';
import type { Clock } from './clock';
import { CommandMetaDto } from './common.dto';
import { handleCommand, type HandledCommand } from './handle-command';
import { validateDto } from './validate-dto';

/** What every command handler returns through the CommandBus. */
export interface LedgerCommandResult {
  readonly streamId: string;
  readonly outcome: HandledCommand<unknown, unknown>['outcome'];
  readonly events: ReadonlyArray<{ readonly type: string; readonly data: unknown }>;
  readonly eventIds: readonly string[];
  readonly streamVersion: number;
  readonly lastGlobalPosition: number | null;
}

export interface CommandMetaInput {
  readonly commandId: string;
  readonly correlationId?: string;
  readonly causationId?: string | null;
  readonly actor: string;
  /**
   * Appends tried when another writer got in first (default 5, re-deciding each time). The orchestrator sends 1:
   * it re-plans from the ledger on CONFLICT instead of re-deciding a command its view no longer asks for.
   */
  readonly maxAttempts?: number;
}

/**
 * Base of the Nest commands: `payload` is the use case's DTO shape, checked again at runtime by the handler
 * (it may come from HTTP, the CLI or a bus message), `meta` says who asks and under which correlation.
 */
export abstract class LedgerCommand<Payload> extends Command<LedgerCommandResult> {
  constructor(readonly payload: Payload, readonly meta: CommandMetaInput) {
    super();
  }
}

/** The tail every handler shares: validated meta, handleCommand, and a result without decider state. */
export async function runOnStream<C, E extends { readonly type: string; readonly data: unknown }, S>(
  store: EventStore, clock: Clock, streamId: string, decider: Decider<C, E, S>, command: C, meta: CommandMetaInput,
): Promise<LedgerCommandResult> {
  const { maxAttempts, ...who } = meta;
  const checked = validateDto(CommandMetaDto, who, 'command metadata');
  const { state: _state, attempts: _attempts, ...result } = await handleCommand(store, streamId, decider, command, { ...checked, clock }, { maxAttempts });
  return result;
}
