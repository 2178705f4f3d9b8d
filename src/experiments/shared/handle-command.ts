import type { Decider } from '../../../domain/shared/decider';
import type { NewEvent, RecordedEvent } from '../../../domain/shared/event-envelope';
import { eventIdFor } from '../../../domain/shared/ids';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { EVENT_SCHEMA_VERSIONS, isLedgerEventType } from '../../../domain/experiment/events';
import type { EventStore } from '../../ledger/event-store.port';
import { systemClock, type Clock } from './clock';

/** Who asks and why; recordedAt is read from `clock` at append time. */
export interface CommandMeta {
  /** Deterministic per logical command (e.g. `evaluate:<candidateId>`): a retry re-sends the same event ids. */
  readonly commandId: string;
  /** Default: the commandId. */
  readonly correlationId?: string;
  readonly causationId?: string | null;
  readonly actor: string;
  /** Default: the system clock. */
  readonly clock?: Clock;
}

export interface HandleCommandOptions {
  /** Attempts in all when appends meet a concurrent writer (CONFLICT); default 5. */
  readonly maxAttempts?: number;
}

export interface HandledCommand<Event, State> {
  readonly streamId: string;
  /** `already-recorded`: the stream already holds this commandId's events (a retry); nothing was appended. */
  readonly outcome: 'written' | 'already-recorded' | 'unchanged';
  /** The command's events, as appended (or as found, for a retry). */
  readonly events: readonly Event[];
  readonly eventIds: readonly string[];
  /** Stream version of the stream's last event after the command; -1 for a stream that still does not exist. */
  readonly streamVersion: number;
  /** Global position of the command's last event; null when nothing was appended or found. */
  readonly lastGlobalPosition: number | null;
  /** The stream's state after the command. */
  readonly state: State;
  readonly attempts: number;
}

export function foldStream<Command, Event, State>(decider: Decider<Command, Event, State>, recorded: readonly RecordedEvent[]): State {
  let state = decider.initialState();
  for (const e of recorded) state = decider.evolve(state, { type: e.type, data: e.data } as unknown as Event);
  return state;
}

/** Envelopes for a command's events: ids eventIdFor(commandId, i), one recordedAt for all. */
export function envelopes(events: ReadonlyArray<{ readonly type: string; readonly data: unknown }>, meta: CommandMeta): NewEvent[] {
  const recordedAt = (meta.clock ?? systemClock).now().toISOString();
  return events.map((event, index) => {
    if (!isLedgerEventType(event.type)) throw new LedgerError('INTERNAL', `decider produced an unknown event type ${event.type}`);
    return {
      eventId: eventIdFor(meta.commandId, index),
      type: event.type,
      schemaVersion: EVENT_SCHEMA_VERSIONS[event.type],
      data: event.data,
      metadata: {
        commandId: meta.commandId,
        correlationId: meta.correlationId ?? meta.commandId,
        causationId: meta.causationId ?? null,
        actor: meta.actor,
        recordedAt,
      },
    };
  });
}

/**
 * Load → decide → append, the one write path: reads `streamId`, folds `decider.evolve`, runs `decider.decide`, and
 * appends the events at the loaded stream version with ids eventIdFor(meta.commandId, i). A concurrent writer
 * (CONFLICT) makes it re-read and decide again, up to `maxAttempts`; a decider refusal (LedgerError REFUSED or
 * NOT_FOUND) is thrown unchanged and nothing is appended. Re-sending a command whose events are already in the
 * stream returns them with outcome `already-recorded` instead of deciding again.
 */
export async function handleCommand<Command, Event extends { readonly type: string; readonly data: unknown }, State>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, Event, State>,
  command: Command,
  meta: CommandMeta,
  options: HandleCommandOptions = {},
): Promise<HandledCommand<Event, State>> {
  if (meta.commandId.trim() === '') throw new LedgerError('BAD_INPUT', 'a command needs a commandId', 'Derive one from what the command is about.');
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const recorded = await store.readStream(streamId);
    const state = foldStream(decider, recorded);
    const streamVersion = recorded.length === 0 ? -1 : recorded[recorded.length - 1]!.streamVersion;
    const earlier = recorded.filter((e) => e.metadata.commandId === meta.commandId);
    if (earlier.length > 0) {
      return {
        streamId, outcome: 'already-recorded', events: earlier.map((e) => ({ type: e.type, data: e.data }) as unknown as Event),
        eventIds: earlier.map((e) => e.eventId), streamVersion, lastGlobalPosition: earlier[earlier.length - 1]!.globalPosition,
        state, attempts: attempt,
      };
    }
    const events = decider.decide(command, state);
    if (events.length === 0) {
      return { streamId, outcome: 'unchanged', events, eventIds: [], streamVersion, lastGlobalPosition: null, state, attempts: attempt };
    }
    const newEvents = envelopes(events, meta);
    try {
      const result = await store.append(streamId, newEvents, streamVersion < 0 ? 'no_stream' : streamVersion);
      return {
        streamId, outcome: result.written ? 'written' : 'already-recorded', events, eventIds: newEvents.map((e) => e.eventId),
        streamVersion: result.lastStreamVersion, lastGlobalPosition: result.lastGlobalPosition,
        state: events.reduce(decider.evolve, state), attempts: attempt,
      };
    } catch (error) {
      if (!(error instanceof LedgerError) || error.code !== 'CONFLICT') throw error;
      if (attempt >= maxAttempts) {
        throw new LedgerError('CONFLICT', `${streamId} kept changing under command ${meta.commandId} (${attempt} attempts)`,
          'Another writer is busy on this stream; retry the command later.', { streamId, commandId: meta.commandId });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
