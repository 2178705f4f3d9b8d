import { reviewsProjection } from '../../../projections/reviews/evolve';
import { reviewStatsOf } from '../../../projections/reviews/query';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { experimentsProjection } from '../../../projections/experiments/evolve';
import { listExperiments } from '../../../projections/experiments/query';
import { ProjectionRunner } from '../projection-runner';
import { validateQuery } from '../validate-query';
import { ListExperimentsQuery, type ExperimentsResult } from './list-experiments.query';

@QueryHandler(ListExperimentsQuery)
export class ListExperimentsHandler implements IQueryHandler<ListExperimentsQuery> {
  constructor(private readonly runner: ProjectionRunner) {}

  async execute(query: ListExperimentsQuery): Promise<ExperimentsResult> {
    validateQuery(query);
    const asOf = query.asOf.toAsOf();
    const { view, position, head } = await this.runner.viewAsOf(experimentsProjection, asOf);
    const reviews = (await this.runner.viewAt(reviewsProjection, position)).view;
    return { asOf, position, head, experiments: listExperiments(view).map((e) => ({ ...e, reviews: reviewStatsOf(reviews, e.experimentId) })) };
  }
}
