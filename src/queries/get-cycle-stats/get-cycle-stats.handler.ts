import { reviewsProjection } from '../../../projections/reviews/evolve';
import { reviewStatsOf } from '../../../projections/reviews/query';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { cycleStatisticsProjection } from '../../../projections/cycle-statistics/evolve';
import { cycleStatsRows, thresholdOf } from '../../../projections/cycle-statistics/query';
import { missingExperimentError, ProjectionRunner } from '../projection-runner';
import { validateQuery } from '../validate-query';
import { GetCycleStatsQuery, type CycleStatsResult } from './get-cycle-stats.query';

@QueryHandler(GetCycleStatsQuery)
export class GetCycleStatsHandler implements IQueryHandler<GetCycleStatsQuery> {
  constructor(private readonly runner: ProjectionRunner) {}

  async execute(query: GetCycleStatsQuery): Promise<CycleStatsResult> {
    validateQuery(query);
    const asOf = query.asOf.toAsOf();
    const { view, position, head } = await this.runner.viewAsOf(cycleStatisticsProjection, asOf, query.experimentId);
    const cycles = cycleStatsRows(view, query.experimentId);
    if (!cycles) throw await missingExperimentError(this.runner.store, query.experimentId, asOf, position);
    const threshold = thresholdOf(view, query.experimentId)!;
    const reviews = reviewStatsOf((await this.runner.viewAt(reviewsProjection, position)).view, query.experimentId);
    return { experimentId: query.experimentId, asOf, position, head, threshold, cycles, reviews };
  }
}
