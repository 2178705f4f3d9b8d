import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { ListExperimentsQuery, type ExperimentsResult } from '../queries/list-experiments/list-experiments.query';
import { GetCycleStatsQuery, type CycleStatsResult } from '../queries/get-cycle-stats/get-cycle-stats.query';
import { ListCandidatesQuery, type CandidatesResult } from '../queries/list-candidates/list-candidates.query';
import { GetProvenanceQuery, type ProvenanceResult } from '../queries/get-provenance/get-provenance.query';
import { AsOfParams, CandidatesParams, IdParam, PositionOrTimeParams } from './query-params.dto';

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

  /** The ledger's head position: a cheap call a client can poll to notice new events. */
  @Get('head')
  async head(): Promise<{ head: number }> {
    return { head: await this.store.head() };
  }
}
