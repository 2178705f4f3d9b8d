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
import { listProxyStudies, readProxyStudy, type ProxyStudyResult } from '../studies/proxy-study-report';
import type { ProxyStudyReport } from '../../projections/proxy-study/query';
import { TheoryParams } from './theory-params.dto';
import { ARTIFACTS_DIR } from './artifacts-dir.token';
import { GetGroupStatsQuery, type GroupStatsResult } from '../queries/get-group-stats/get-group-stats.query';
import { GetNoveltySweepQuery, type NoveltySweepResult } from '../queries/get-novelty-sweep/get-novelty-sweep.query';
import { GetTheoryQuery, type TheoryResult } from '../queries/get-theory/get-theory.query';
import { ListGroupsQuery, type GroupsResult } from '../queries/list-groups/list-groups.query';

/**
 * The read-only JSON API: each route is one query on the QueryBus, answered as of the head or the point the query
 * string names. The bodies are the query results unchanged (stats rows are the objects `stats --json` prints).
 */
@Controller('api')
export class ApiController {
  constructor(private readonly queries: QueryBus, @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ARTIFACTS_DIR) private readonly artifactsDir: string) {}

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
    return this.queries.execute(new GetLedgerDiffQuery(path.id, from, to, this.artifactsDir));
  }

  /** The whole record behind a candidate, arch-… or seed:… id (code, parent diff, evaluation, novelty, why not). */
  @Get('show/:id')
  show(@Param() path: IdParam, @Query() params: ShowParams): Promise<ShowRecordResult> {
    return this.queries.execute(new ShowRecordQuery(path.id, params.toAsOf(), params.experiment));
  }

  /** The multi-seed groups (replicate, ablate --seeds, ablate --novelty-thresholds) with their runs: the dashboard's group list. */
  @Get('groups')
  groups(@Query() params: PositionOrTimeParams): Promise<GroupsResult> {
    return this.queries.execute(new ListGroupsQuery(params.toAsOf()));
  }

  /** A multi-seed group (replicate, ablate --seeds): per variant and cycle, the across-seed mean of every metric with a t 95% interval. */
  @Get('groups/:id/stats')
  groupStats(@Param() path: IdParam, @Query() params: AsOfParams): Promise<GroupStatsResult> {
    return this.queries.execute(new GetGroupStatsQuery(path.id, params.toAsOf()));
  }

  /** A novelty-threshold sweep (ablate --novelty-thresholds): per τ admitted, diversity, closest pair, turned away. */
  @Get('groups/:id/novelty-sweep')
  noveltySweep(@Param() path: IdParam, @Query() params: AsOfParams): Promise<NoveltySweepResult> {
    return this.queries.execute(new GetNoveltySweepQuery(path.id, params.toAsOf()));
  }

  /** The convergence paper's Table 2 for one experiment (?against= for Thm 5). */
  @Get('experiments/:id/theory')
  theory(@Param() path: IdParam, @Query() params: TheoryParams): Promise<TheoryResult> {
    return this.queries.execute(new GetTheoryQuery(path.id, false, params.against, params.toAsOf()));
  }

  @Get('groups/:id/theory')
  groupTheory(@Param() path: IdParam, @Query() params: TheoryParams): Promise<TheoryResult> {
    return this.queries.execute(new GetTheoryQuery(path.id, true, params.against, params.toAsOf()));
  }

  /** A proxy study's report (SNR, correlations with p-values, predicted ρ_S, Bonferroni, the pairs): the study page's data. */
  @Get('studies/:id')
  study(@Param() path: IdParam, @Query() params: PositionOrTimeParams): Promise<ProxyStudyResult> {
    return readProxyStudy(this.store, path.id, params.toAsOf());
  }

  /** An experiment's proxy studies with their headline numbers (pairs left out), oldest first. */
  @Get('experiments/:id/studies')
  async studies(@Param() path: IdParam, @Query() params: PositionOrTimeParams): Promise<{ studies: Omit<ProxyStudyReport, 'pairs'>[] }> {
    const reports = await listProxyStudies(this.store, path.id, params.toAsOf());
    return { studies: reports.map(({ pairs: _pairs, ...rest }) => rest) };
  }

  /** The ledger's head position: a cheap call a client can poll to notice new events. */
  @Get('head')
  async head(): Promise<{ head: number }> {
    return { head: await this.store.head() };
  }
}
