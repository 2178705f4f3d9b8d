import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { EVENT_STORE, type EventStore, type Subscription } from '../ledger/event-store.port';

/**
 * What Nest's EventBus carries: one event as the ledger recorded it. Handlers subscribe with
 * `@EventsHandler(LedgerEventRecorded)` and branch on `event.recorded.type`.
 */
export class LedgerEventRecorded {
  constructor(readonly recorded: RecordedEvent) {}

  get type(): string {
    return this.recorded.type;
  }
}

export const EVENT_BUS_FEEDER_OPTIONS = Symbol('EVENT_BUS_FEEDER_OPTIONS');

export interface EventBusFeederOptions {
  /** Subscription (and checkpoint) name; default `nest-event-bus`. */
  readonly subscriptionName?: string;
  readonly pollIntervalMs?: number;
  /** Start on application bootstrap (default true). */
  readonly autoStart?: boolean;
}

/**
 * Feeds Nest's in-memory EventBus from the store's subscription, after commit: the bus is never the record, and
 * a process that restarts resumes from the subscription's checkpoint (at least once). Handler errors inside the
 * EventBus escape Nest's exception filters; they are reported to stderr, never swallowed silently.
 */
@Injectable()
export class EventBusFeeder implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly eventBus: EventBus,
    @Inject(EVENT_BUS_FEEDER_OPTIONS) private readonly options: EventBusFeederOptions = {},
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.autoStart !== false) this.start();
  }

  /** Starts the subscription (idempotent); `caughtUp` resolves once history up to the head has been published. */
  start(): Subscription {
    this.subscription ??= this.store.subscribe(
      this.options.subscriptionName ?? 'nest-event-bus',
      async (recorded) => { this.eventBus.publish(new LedgerEventRecorded(recorded)); },
      {
        pollIntervalMs: this.options.pollIntervalMs,
        onError: (error, event) => process.stderr.write(
          `nas-ledger: event bus feeder failed at position ${event.globalPosition} (${event.type}): ${(error as Error).message}\n`),
      },
    );
    return this.subscription;
  }

  async stop(): Promise<void> {
    const running = this.subscription;
    this.subscription = null;
    await running?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
