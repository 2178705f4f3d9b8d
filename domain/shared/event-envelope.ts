/**
 * The shape every event has once it is in the ledger. Pure types: projections fold over
 * RecordedEvent without knowing which store produced it.
 */
export interface EventMetadata {
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly actor: string;
  /** ISO-8601; set by the caller (the clock is injected), never by the database. */
  readonly recordedAt: string;
}

export interface NewEvent {
  /** Client-chosen and deterministic from the causing command (uuidv5 of commandId and index). */
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent extends NewEvent {
  readonly streamId: string;
  /** 0-based, contiguous within the stream. */
  readonly streamVersion: number;
  /** 1-based, strictly increasing over the whole log, an exact prefix order. */
  readonly globalPosition: number;
  /** sha256 over this event's content and the previous event's hash: one chain over the global log. */
  readonly hash: string;
  readonly prevHash: string;
}

/** A domain event as deciders see it: readonly data under a literal type. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';
