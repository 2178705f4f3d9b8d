import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from './event-store.port';
import { openEventStore } from './open-event-store';
import type { UpcasterRegistry } from './upcasters';

export interface LedgerModuleOptions {
  /** Store URL; unset: $NAS_LEDGER_STORE, then ./.nas-ledger (embedded). */
  readonly url?: string;
  readonly upcasters?: UpcasterRegistry;
}

/** Closes the store (and releases the embedded directory lock) when the application shuts down. */
@Injectable()
class LedgerShutdown implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

@Module({})
export class LedgerModule {
  static forRoot(options: LedgerModuleOptions = {}): DynamicModule {
    return {
      module: LedgerModule,
      global: true,
      providers: [
        { provide: EVENT_STORE, useFactory: () => openEventStore(options.url, { upcasters: options.upcasters }) },
        LedgerShutdown,
      ],
      exports: [EVENT_STORE],
    };
  }
}
