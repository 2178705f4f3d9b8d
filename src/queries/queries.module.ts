import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { ProjectionRunner } from './projection-runner';
import { GetCycleStatsHandler } from './get-cycle-stats/get-cycle-stats.handler';
import { ListExperimentsHandler } from './list-experiments/list-experiments.handler';
import { GetProvenanceHandler } from './get-provenance/get-provenance.handler';
import { ListCandidatesHandler } from './list-candidates/list-candidates.handler';
import { GetCorpusHandler } from './get-corpus/get-corpus.handler';
import { GetLedgerDiffHandler } from './get-ledger-diff/get-ledger-diff.handler';
import { ShowRecordHandler } from './show-record/show-record.handler';
import { GetExportDataHandler } from './export-data/export-data.handler';
import { GetGroupStatsHandler } from './get-group-stats/get-group-stats.handler';
import { GetTheoryHandler } from './get-theory/get-theory.handler';
import { GetNoveltySweepHandler } from './get-novelty-sweep/get-novelty-sweep.handler';
import { ListGroupsHandler } from './list-groups/list-groups.handler';

const queryHandlers = [
  GetCycleStatsHandler, ListExperimentsHandler, GetProvenanceHandler, ListCandidatesHandler, GetCorpusHandler,
  GetLedgerDiffHandler, ShowRecordHandler, GetExportDataHandler, GetGroupStatsHandler, GetTheoryHandler, GetNoveltySweepHandler,
  ListGroupsHandler,
];

const runnerProvider: Provider = {
  provide: ProjectionRunner,
  useFactory: (store: EventStore) => new ProjectionRunner(store, {
    onSnapshotError: (error) => process.stderr.write(`nas-ledger: snapshot not saved: ${(error as Error).message}\n`),
  }),
  inject: [EVENT_STORE],
};

/**
 * The read side: query handlers over the projections, answered through the QueryBus. It needs EVENT_STORE from a
 * global module (LedgerModule.forRoot) or, for a store the caller already opened, `QueriesModule.withStore(store)`.
 */
@Module({
  imports: [CqrsModule],
  providers: [runnerProvider, ...queryHandlers],
  exports: [ProjectionRunner],
})
export class QueriesModule {
  static withStore(store: EventStore): DynamicModule {
    return {
      module: QueriesModule,
      imports: [CqrsModule.forRoot()],
      providers: [{ provide: EVENT_STORE, useValue: store }, runnerProvider, ...queryHandlers],
      exports: [ProjectionRunner],
    };
  }
}
