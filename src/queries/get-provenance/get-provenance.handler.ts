import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ProjectionRunner } from '../projection-runner';
import { validateQuery } from '../validate-query';
import { GetProvenanceQuery, type ProvenanceResult } from './get-provenance.query';
import { readProvenance } from './read-provenance';

@QueryHandler(GetProvenanceQuery)
export class GetProvenanceHandler implements IQueryHandler<GetProvenanceQuery> {
  constructor(private readonly runner: ProjectionRunner) {}

  async execute(query: GetProvenanceQuery): Promise<ProvenanceResult> {
    validateQuery(query);
    return readProvenance(this.runner, query.id, query.asOf.toAsOf());
  }
}
