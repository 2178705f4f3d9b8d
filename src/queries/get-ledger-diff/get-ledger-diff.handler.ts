import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { artifactDirFor } from '../../ledger/artifact-store';
import { ProjectionRunner } from '../projection-runner';
import { validateQuery } from '../validate-query';
import { GetLedgerDiffQuery, type LedgerDiffResult } from './get-ledger-diff.query';
import { readLedgerDiff } from './read-diff';

@QueryHandler(GetLedgerDiffQuery)
export class GetLedgerDiffHandler implements IQueryHandler<GetLedgerDiffQuery> {
  constructor(private readonly runner: ProjectionRunner) {}

  async execute(query: GetLedgerDiffQuery): Promise<LedgerDiffResult> {
    validateQuery(query);
    return readLedgerDiff(this.runner, query.experimentId, query.from.toAsOf(), query.to.toAsOf(), query.artifactsDir ?? artifactDirFor(undefined));
  }
}
