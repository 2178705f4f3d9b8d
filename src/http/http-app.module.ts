import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { QueriesModule } from '../queries/queries.module';
import { HTTP_CONTROLLERS } from './api-routes';
import { LedgerErrorFilter } from './ledger-error.filter';
import { httpValidationPipe } from './validation.pipe';
import { ARTIFACTS_DIR } from './artifacts-dir.token';

/** The HTTP side: the query side on an opened store, the API and page controllers, one pipe and one error filter. */
@Module({})
export class HttpAppModule {
  /** `artifactsDir`: the served store's artifact directory (artifactDirFor(store)), where the diff finds grammar θ. */
  static withStore(store: EventStore, artifactsDir: string): DynamicModule {
    return {
      module: HttpAppModule,
      imports: [QueriesModule.withStore(store)],
      controllers: [...HTTP_CONTROLLERS],
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: ARTIFACTS_DIR, useValue: artifactsDir },
        { provide: APP_PIPE, useFactory: httpValidationPipe },
        { provide: APP_FILTER, useClass: LedgerErrorFilter },
      ],
    };
  }
}
