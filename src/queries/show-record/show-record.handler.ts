import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ProjectionRunner } from '../projection-runner';
import { validateQuery } from '../validate-query';
import { ShowRecordQuery, type ShowRecordResult } from './show-record.query';
import { readRecord } from './read-record';

@QueryHandler(ShowRecordQuery)
export class ShowRecordHandler implements IQueryHandler<ShowRecordQuery> {
  constructor(private readonly runner: ProjectionRunner) {}

  async execute(query: ShowRecordQuery): Promise<ShowRecordResult> {
    validateQuery(query);
    return readRecord(this.runner, query.id, query.asOf.toAsOf(), query.experimentId);
  }
}
