import type { ExpectedVersion, NewEvent, RecordedEvent } from '../../domain/shared/event-envelope';

export const EVENT_STORE = Symbol('EVENT_STORE');

/** Largest serialized event the store accepts; bigger payloads belong in the artifact directory, referenced by hash. */
export const MAX_EVENT_BYTES = 4 * 1024 * 1024;

export interface AppendResult {
  readonly streamId: string;
  /** Stream version of the last event written (or found, for an idempotent re-send). */
  readonly lastStreamVersion: number;
  readonly firstGlobalPosition: number;
  readonly lastGlobalPosition: number;
  /** False when every event was already present (an idempotent re-send). */
  readonly written: boolean;
}

export interface ReadAllOptions {
  /** Exclusive lower bound on global position (default 0: from the start). */
  readonly after?: number;
  /** Inclusive upper bound on global position (default: head). */
  readonly upTo?: number;
  readonly types?: readonly string[];
  readonly limit?: number;
}

export interface ReadStreamOptions {
  /** Inclusive, 0-based stream versions. */
  readonly from?: number;
  readonly to?: number;
}

export type SubscriptionHandler = (event: RecordedEvent) => Promise<void>;

export interface Subscription {
  readonly name: string;
  /** Resolves once the subscription has caught up to the head it saw at start. */
  readonly caughtUp: Promise<void>;
  stop(): Promise<void>;
}

export interface SubscribeOptions {
  readonly types?: readonly string[];
  /** How often to poll for new events while live, ms. */
  readonly pollIntervalMs?: number;
  /** Handler failures surface here; the checkpoint is not advanced past a failed event. */
  readonly onError?: (error: unknown, event: RecordedEvent) => void;
}

export interface SnapshotRecord {
  readonly projection: string;
  readonly projectionVersion: string;
  readonly position: number;
  readonly state: unknown;
}

/** The ledger's one contract; every adapter passes the same suite (tests/ledger/event-store.contract.ts). */
export interface EventStore {
  append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Highest committed global position; 0 for an empty store. */
  head(): Promise<number>;
  subscribe(name: string, handler: SubscriptionHandler, options?: SubscribeOptions): Subscription;
  saveSnapshot(snapshot: SnapshotRecord): Promise<void>;
  /** The latest snapshot of that projection version at or before `atOrBefore`. */
  loadSnapshot(projection: string, projectionVersion: string, atOrBefore: number): Promise<SnapshotRecord | null>;
  /**
   * Deletes all but the `keepLatest` latest snapshots of each version of `projection`; returns how many were
   * deleted. Snapshots are caches of folds over the log (rebuilt from events), so pruning loses nothing recorded.
   */
  pruneSnapshots(projection: string, keepLatest: number): Promise<number>;
  close(): Promise<void>;
}
