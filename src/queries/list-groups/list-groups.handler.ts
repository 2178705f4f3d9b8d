import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { experimentGroupsProjection } from '../../../projections/experiment-groups/evolve';
import { listGroups, variantsOf } from '../../../projections/experiment-groups/query';
import { ProjectionRunner } from '../projection-runner';
import { validateQuery } from '../validate-query';
import { ListGroupsQuery, type GroupsResult } from './list-groups.query';

@QueryHandler(ListGroupsQuery)
export class ListGroupsHandler implements IQueryHandler<ListGroupsQuery> {
  constructor(private readonly runner: ProjectionRunner) {}

  async execute(query: ListGroupsQuery): Promise<GroupsResult> {
    validateQuery(query);
    const asOf = query.asOf.toAsOf();
    const { view, position, head } = await this.runner.viewAsOf(experimentGroupsProjection, asOf);
    return { asOf, position, head, groups: listGroups(view).map((group) => ({ ...group, variants: variantsOf(group) })) };
  }
}
