import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { corpusProjection } from '../../../projections/corpus/evolve';
import { corpusOf } from '../../../projections/corpus/query';
import { missingExperimentError, ProjectionRunner } from '../projection-runner';
import { validateQuery } from '../validate-query';
import { GetCorpusQuery, type CorpusResult } from './get-corpus.query';

@QueryHandler(GetCorpusQuery)
export class GetCorpusHandler implements IQueryHandler<GetCorpusQuery> {
  constructor(private readonly runner: ProjectionRunner) {}

  async execute(query: GetCorpusQuery): Promise<CorpusResult> {
    validateQuery(query);
    const asOf = query.asOf.toAsOf();
    const { view, position, head } = await this.runner.viewAsOf(corpusProjection, asOf, query.experimentId);
    const corpus = corpusOf(view, query.experimentId);
    if (!corpus) throw await missingExperimentError(this.runner.store, query.experimentId, asOf, position);
    return { ...corpus, asOf, position, head };
  }
}
