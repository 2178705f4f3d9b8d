import type { Decider } from '../../domain/shared/decider';
import type { NewEvent, RecordedEvent } from '../../domain/shared/event-envelope';
import { eventIdFor } from '../../domain/shared/ids';
import { LedgerError } from '../../domain/shared/ledger-error';
import { EVENT_SCHEMA_VERSIONS, type LedgerEventType } from '../../domain/experiment/events';
import type { EventStore } from '../ledger/event-store.port';

export interface CommandContext {
  /** Deterministic per logical command (e.g. `StartCycle:<experiment>:<cycle>`), so a retry re-sends the same event ids. */
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly actor: string;
  readonly now: () => Date;
}

export type CommandOutcome = 'written' | 'already-recorded' | 'conflict';

export function toNewEvents(events: readonly { type: string; data: unknown }[], ctx: CommandContext): NewEvent[] {
  const recordedAt = ctx.now().toISOString();
  return events.map((event, index) => ({
    eventId: eventIdFor(ctx.commandId, index),
    type: event.type,
    schemaVersion: EVENT_SCHEMA_VERSIONS[event.type as LedgerEventType] ?? 1,
    data: event.data,
    metadata: { commandId: ctx.commandId, correlationId: ctx.correlationId, causationId: ctx.causationId, actor: ctx.actor, recordedAt },
  }));
}

/**
 * Load → decide → append at the expected version: the one write path of the loop. A concurrent writer
 * shows up as 'conflict' (the caller re-reads and re-plans); a command whose events are already in the
 * stream (a retry after a crash) is 'already-recorded'. Refusals by the decider are rethrown.
 */
export async function executeOnStream<C, E extends { type: string; data: unknown }, S>(
  store: EventStore, streamId: string, decider: Decider<C, E, S>, command: C, ctx: CommandContext,
): Promise<CommandOutcome> {
  const recorded = await store.readStream(streamId);
  if (recorded.some((e) => e.metadata.commandId === ctx.commandId)) return 'already-recorded';
  const state = foldStream(decider, recorded);
  const events = decider.decide(command, state);
  if (events.length === 0) return 'already-recorded';
  const expected = recorded.length === 0 ? 'no_stream' : recorded[recorded.length - 1]!.streamVersion;
  try {
    const result = await store.append(streamId, toNewEvents(events, ctx), expected);
    return result.written ? 'written' : 'already-recorded';
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'CONFLICT') return 'conflict';
    throw error;
  }
}

export function foldStream<C, E, S>(decider: Decider<C, E, S>, recorded: readonly RecordedEvent[]): S {
  return recorded.reduce((state, e) => decider.evolve(state, { type: e.type, data: e.data } as unknown as E), decider.initialState());
}
