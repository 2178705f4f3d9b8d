import type { Decider } from '../../domain/shared/decider';
import type { NewEvent, RecordedEvent } from '../../domain/shared/event-envelope';
import { eventIdFor } from '../../domain/shared/ids';
import { LedgerError } from '../../domain/shared/ledger-error';
import { EVENT_SCHEMA_VERSIONS, isLedgerEventType } from '../../domain/experiment/events';
import type { EventStore } from './event-store.port';

/** Who asks and why: what every appended event carries in its metadata. */
export interface CommandMetadata {
  /** Deterministic per logical command (e.g. `StartCycle:<experiment>:<cycle>`): a retry re-sends the same event ids. */
  readonly commandId: string;
  /** Default: the commandId. */
  readonly correlationId?: string;
  readonly causationId?: string | null;
  readonly actor: string;
  /** recordedAt is read from here at append time; default: the system clock. */
  readonly now?: () => Date;
}

export interface HandleCommandOptions {
  /** Appends tried when another writer got in first, re-reading and deciding again each time; default 5. */
  readonly maxAttempts?: number;
  /**
   * When the last attempt still meets a concurrent writer: throw LedgerError CONFLICT (default), or return the
   * outcome 'conflict' so the caller re-plans from the ledger instead of deciding again blind.
   */
  readonly reportConflict?: boolean;
}

/** One append attempt, a concurrent writer reported as the outcome 'conflict': the loop's and the agents' way. */
export const ONE_ATTEMPT: HandleCommandOptions = { maxAttempts: 1, reportConflict: true };

export type CommandOutcome =
  /** The command's events were appended. */
  | 'written'
  /** The stream already holds this commandId's events (a retry); nothing was appended. */
  | 'already-recorded'
  /** The decider had nothing to record. */
  | 'unchanged'
  /** Only with reportConflict: another writer got in first on every attempt; nothing was appended. */
  | 'conflict';

export interface HandledCommand<Event, State> {
  readonly streamId: string;
  readonly outcome: CommandOutcome;
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

/** The decider's state after `recorded` (events the store hands back are the decider's own types, hash-checked). */
export function foldStream<Command, Event, State>(decider: Decider<Command, Event, State>, recorded: readonly RecordedEvent[]): State {
  let state = decider.initialState();
  for (const e of recorded) state = decider.evolve(state, { type: e.type, data: e.data } as unknown as Event);
  return state;
}

/** Envelopes for a command's events: ids eventIdFor(commandId, i), one recordedAt for all. */
export function commandEvents(events: ReadonlyArray<{ readonly type: string; readonly data: unknown }>, meta: CommandMetadata): NewEvent[] {
  const recordedAt = (meta.now ? meta.now() : new Date()).toISOString();
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

/** Decides each command on the state its predecessors left: their events together are one append. */
function decideAll<Command, Event, State>(decider: Decider<Command, Event, State>, commands: readonly Command[], state: State): Event[] {
  const events: Event[] = [];
  for (const command of commands) {
    const decided = decider.decide(command, state);
    for (const event of decided) state = decider.evolve(state, event);
    events.push(...decided);
  }
  return events;
}

/**
 * Load → decide → append, the one write path: reads `streamId`, folds `decider.evolve`, runs `decider.decide` on
 * the command (or on each of several, in order, on the state the earlier ones leave), and appends all their
 * events in one append at the loaded stream version, with ids eventIdFor(meta.commandId, i). A concurrent writer
 * (CONFLICT) makes it re-read and decide again, up to `maxAttempts`; then it throws CONFLICT, or with
 * `reportConflict` returns the outcome 'conflict'. A decider refusal (LedgerError REFUSED or NOT_FOUND) is thrown
 * unchanged and nothing is appended. Re-sending a command whose events are already in the stream returns them
 * with outcome `already-recorded` instead of deciding again.
 */
export async function handleCommand<Command, Event extends { readonly type: string; readonly data: unknown }, State>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, Event, State>,
  command: Command | readonly Command[],
  meta: CommandMetadata,
  options: HandleCommandOptions = {},
): Promise<HandledCommand<Event, State>> {
  if (meta.commandId.trim() === '') throw new LedgerError('BAD_INPUT', 'a command needs a commandId', 'Derive one from what the command is about.');
  const commands: readonly Command[] = Array.isArray(command) ? command : [command as Command];
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
    const events = decideAll(decider, commands, state);
    if (events.length === 0) {
      return { streamId, outcome: 'unchanged', events, eventIds: [], streamVersion, lastGlobalPosition: null, state, attempts: attempt };
    }
    const newEvents = commandEvents(events, meta);
    try {
      const result = await store.append(streamId, newEvents, streamVersion < 0 ? 'no_stream' : streamVersion);
      return {
        streamId, outcome: result.written ? 'written' : 'already-recorded', events, eventIds: newEvents.map((e) => e.eventId),
        streamVersion: result.lastStreamVersion, lastGlobalPosition: result.lastGlobalPosition,
        state: events.reduce((s, e) => decider.evolve(s, e), state), attempts: attempt,
      };
    } catch (error) {
      if (!(error instanceof LedgerError) || error.code !== 'CONFLICT') throw error;
      if (attempt >= maxAttempts) {
        if (options.reportConflict) {
          return { streamId, outcome: 'conflict', events: [], eventIds: [], streamVersion, lastGlobalPosition: null, state, attempts: attempt };
        }
        throw new LedgerError('CONFLICT', `${streamId} kept changing under command ${meta.commandId} (${attempt} attempts)`,
          'Another writer is busy on this stream; retry the command later.', { streamId, commandId: meta.commandId });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
