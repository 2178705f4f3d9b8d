import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { candidatesProjection } from '../../../projections/candidates/evolve';
import { listCandidates } from '../../../projections/candidates/query';
import { missingExperimentError, ProjectionRunner } from '../projection-runner';
import { validateQuery } from '../validate-query';
import { ListCandidatesQuery, type CandidatesResult } from './list-candidates.query';

@QueryHandler(ListCandidatesQuery)
export class ListCandidatesHandler implements IQueryHandler<ListCandidatesQuery> {
  constructor(private readonly runner: ProjectionRunner) {}

  async execute(query: ListCandidatesQuery): Promise<CandidatesResult> {
    validateQuery(query);
    const asOf = query.asOf.toAsOf();
    const { view, position, head } = await this.runner.viewAsOf(candidatesProjection, asOf, query.experimentId);
    const candidates = listCandidates(view, query.experimentId, query.cycle);
    if (!candidates) throw await missingExperimentError(this.runner.store, query.experimentId, asOf, position);
    return { experimentId: query.experimentId, cycle: query.cycle ?? null, asOf, position, head, candidates };
  }
}
