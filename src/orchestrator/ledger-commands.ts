import type { Decider } from '../../domain/shared/decider';
import type { NewEvent } from '../../domain/shared/event-envelope';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { EventStore } from '../ledger/event-store.port';
import { envelopes, foldStream, handleCommand, type CommandMeta } from '../experiments/shared/handle-command';

export interface CommandContext {
  /** Deterministic per logical command (e.g. `StartCycle:<experiment>:<cycle>`), so a retry re-sends the same event ids. */
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly actor: string;
  readonly now: () => Date;
}

export type CommandOutcome = 'written' | 'already-recorded' | 'conflict';

function metaOf(ctx: CommandContext): CommandMeta {
  return { commandId: ctx.commandId, correlationId: ctx.correlationId, causationId: ctx.causationId, actor: ctx.actor, clock: { now: ctx.now } };
}

export function toNewEvents(events: readonly { type: string; data: unknown }[], ctx: CommandContext): NewEvent[] {
  return envelopes(events, metaOf(ctx));
}

/**
 * The loop's view of handleCommand (load → decide → append at the expected version) with one attempt: a
 * concurrent writer shows up as 'conflict' so the orchestrator re-reads and re-plans from the ledger instead of
 * deciding again blind; a command whose events are already in the stream is 'already-recorded'. Refusals by the
 * decider are rethrown.
 */
export async function executeOnStream<C, E extends { type: string; data: unknown }, S>(
  store: EventStore, streamId: string, decider: Decider<C, E, S>, command: C, ctx: CommandContext,
): Promise<CommandOutcome> {
  try {
    const handled = await handleCommand(store, streamId, decider, command, metaOf(ctx), { maxAttempts: 1 });
    return handled.outcome === 'written' ? 'written' : 'already-recorded';
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'CONFLICT') return 'conflict';
    throw error;
  }
}

export { foldStream };
