import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { CLOCK, systemClock, type Clock } from './shared/clock';
import { EVENT_BUS_FEEDER_OPTIONS, EventBusFeeder, type EventBusFeederOptions } from './event-bus-feeder';
import { RegisterExperimentHandler } from './register-experiment/register-experiment.handler';
import { SeedCorpusHandler } from './seed-corpus/seed-corpus.handler';
import { StartCycleHandler } from './start-cycle/start-cycle.handler';
import { RequestFineTuneHandler } from './request-fine-tune/request-fine-tune.handler';
import { RecordFineTunedHandler } from './record-fine-tuned/record-fine-tuned.handler';
import { SkipFineTuneHandler } from './skip-fine-tune/skip-fine-tune.handler';
import { CompleteCycleHandler } from './complete-cycle/complete-cycle.handler';
import { CompleteExperimentHandler } from './complete-experiment/complete-experiment.handler';
import { FailExperimentHandler } from './fail-experiment/fail-experiment.handler';
import { RecordGeneratedHandler } from './record-generated/record-generated.handler';
import { RecordRejectionHandler } from './record-rejection/record-rejection.handler';
import { RecordEvaluationHandler } from './record-evaluation/record-evaluation.handler';
import { RecordNoveltyHandler } from './record-novelty/record-novelty.handler';
import { DecideAdmissionHandler } from './decide-admission/decide-admission.handler';

const experimentCommandHandlers = [
  RegisterExperimentHandler, SeedCorpusHandler, StartCycleHandler, RequestFineTuneHandler, RecordFineTunedHandler,
  SkipFineTuneHandler, CompleteCycleHandler, CompleteExperimentHandler, FailExperimentHandler,
];
const candidateCommandHandlers = [
  RecordGeneratedHandler, RecordRejectionHandler, RecordEvaluationHandler, RecordNoveltyHandler, DecideAdmissionHandler,
];

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
  return [{ provide: CLOCK, useValue: options.clock ?? systemClock }, ...feeder, ...experimentCommandHandlers, ...candidateCommandHandlers];
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
