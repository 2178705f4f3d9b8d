import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { ListExperimentsQuery, type ExperimentsResult } from '../queries/list-experiments/list-experiments.query';
import { GetCycleStatsQuery, type CycleStatsResult } from '../queries/get-cycle-stats/get-cycle-stats.query';
import { ListCandidatesQuery, type CandidatesResult } from '../queries/list-candidates/list-candidates.query';
import { GetProvenanceQuery, type ProvenanceResult } from '../queries/get-provenance/get-provenance.query';
import { GetCorpusQuery, type CorpusResult } from '../queries/get-corpus/get-corpus.query';
import { GetLedgerDiffQuery, type LedgerDiffResult } from '../queries/get-ledger-diff/get-ledger-diff.query';
import { ShowRecordQuery, type ShowRecordResult } from '../queries/show-record/show-record.query';
import { AsOfParams, CandidatesParams, IdParam, PositionOrTimeParams } from './query-params.dto';
import { DiffParams, ShowParams } from './reading-params.dto';

/**
 * The read-only JSON API: each route is one query on the QueryBus, answered as of the head or the point the query
 * string names. The bodies are the query results unchanged (stats rows are the objects `stats --json` prints).
 */
@Controller('api')
export class ApiController {
  constructor(private readonly queries: QueryBus, @Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('experiments')
  experiments(@Query() params: PositionOrTimeParams): Promise<ExperimentsResult> {
    return this.queries.execute(new ListExperimentsQuery(params.toAsOf()));
  }

  @Get('experiments/:id/stats')
  stats(@Param() path: IdParam, @Query() params: AsOfParams): Promise<CycleStatsResult> {
    return this.queries.execute(new GetCycleStatsQuery(path.id, params.toAsOf()));
  }

  @Get('experiments/:id/candidates')
  candidates(@Param() path: IdParam, @Query() params: CandidatesParams): Promise<CandidatesResult> {
    return this.queries.execute(new ListCandidatesQuery(path.id, params.cycle, params.toAsOf()));
  }

  @Get('provenance/:id')
  provenance(@Param() path: IdParam, @Query() params: AsOfParams): Promise<ProvenanceResult> {
    return this.queries.execute(new GetProvenanceQuery(path.id, params.toAsOf()));
  }

  @Get('experiments/:id/corpus')
  corpus(@Param() path: IdParam, @Query() params: AsOfParams): Promise<CorpusResult> {
    return this.queries.execute(new GetCorpusQuery(path.id, params.toAsOf()));
  }

  /** ?from=&to= (to defaults to the head): cycle:N, position:P, time:ISO, a plain N (a cycle), start or head. */
  @Get('experiments/:id/diff')
  diff(@Param() path: IdParam, @Query() params: DiffParams): Promise<LedgerDiffResult> {
    const { from, to } = params.points();
    return this.queries.execute(new GetLedgerDiffQuery(path.id, from, to));
  }

  /** The whole record behind a candidate, arch-… or seed:… id (code, parent diff, evaluation, novelty, why not). */
  @Get('show/:id')
  show(@Param() path: IdParam, @Query() params: ShowParams): Promise<ShowRecordResult> {
    return this.queries.execute(new ShowRecordQuery(path.id, params.toAsOf(), params.experiment));
  }

  /** The ledger's head position: a cheap call a client can poll to notice new events. */
  @Get('head')
  async head(): Promise<{ head: number }> {
    return { head: await this.store.head() };
  }
}
