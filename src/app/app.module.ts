import { Global, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { BusModule } from '../bus/bus.module';
import { CqrsModule } from '@nestjs/cqrs';
import { ExperimentsModule } from '../experiments/experiments.module';
import { OrchestratorModule } from '../orchestrator/orchestrator.module';

export interface AppModuleOptions {
  /** Store URL (opened and closed by the application), or an already-open store (left open). */
  readonly storeUrl?: string;
  readonly store?: EventStore;
  readonly busUrl: string;
}

@Global()
@Module({})
class ProvidedStoreModule {
  static with(store: EventStore): DynamicModule {
    return { module: ProvidedStoreModule, global: true, providers: [{ provide: EVENT_STORE, useValue: store }], exports: [EVENT_STORE] };
  }
}

/**
 * The root module of the loop: the ledger (EVENT_STORE), the agent bus (AGENT_BUS), the write side's command
 * handlers (CommandBus) and the orchestrator. `nas-ledger run` builds it as an application context and registers
 * the experiment through the CommandBus; the agents it hosts are plain consumers of the bus.
 */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        options.store ? ProvidedStoreModule.with(options.store) : LedgerModule.forRoot({ url: options.storeUrl }),
        BusModule.forRoot({ url: options.busUrl }),
        CqrsModule.forRoot(),
        // The orchestrator's own store subscription drives the loop; Nest's EventBus has no listener here.
        ExperimentsModule.forRoot({ eventBus: false }),
        OrchestratorModule,
      ],
    };
  }
}

/** Builds the application context; start-up failures (store or Kafka unreachable) surface as their LedgerError. */
export async function createLoopApplication(options: AppModuleOptions): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(AppModule.forRoot(options), { logger: false, abortOnError: false });
}
