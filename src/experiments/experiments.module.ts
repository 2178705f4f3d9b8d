import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { CLOCK, systemClock, type Clock } from './shared/clock';
import { EVENT_BUS_FEEDER_OPTIONS, EventBusFeeder, type EventBusFeederOptions } from './event-bus-feeder';
import { commandHandlers } from './command-handlers';

export interface ExperimentsModuleOptions {
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Feed Nest's EventBus from the store subscription (default: on, started at bootstrap). */
  readonly eventBus?: EventBusFeederOptions | false;
}

function providers(options: ExperimentsModuleOptions): Provider[] {
  const feeder: Provider[] = options.eventBus === false ? [] : [
    { provide: EVENT_BUS_FEEDER_OPTIONS, useValue: options.eventBus ?? {} }, EventBusFeeder,
  ];
  return [{ provide: CLOCK, useValue: options.clock ?? systemClock }, ...feeder, ...commandHandlers];
}

/**
 * The write side: command handlers for the experiment and candidate streams, answered through the CommandBus.
 * EVENT_STORE comes from a global LedgerModule.forRoot(), or pass an opened store with `withStore`.
 */
@Module({})
export class ExperimentsModule {
  static forRoot(options: ExperimentsModuleOptions = {}): DynamicModule {
    return { module: ExperimentsModule, imports: [CqrsModule], providers: providers(options), exports: [CLOCK] };
  }

  static withStore(store: EventStore, options: ExperimentsModuleOptions = {}): DynamicModule {
    return {
      module: ExperimentsModule,
      imports: [CqrsModule.forRoot()],
      providers: [{ provide: EVENT_STORE, useValue: store }, ...providers(options)],
      exports: [CLOCK],
    };
  }
}
