import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { groupCycleRows } from '../../../projections/experiment-groups/query';
import { ProjectionRunner } from '../projection-runner';
import { readGroupAt } from '../group-query';
import { GetGroupStatsQuery, type GroupStatsResult } from './get-group-stats.query';

@QueryHandler(GetGroupStatsQuery)
export class GetGroupStatsHandler implements IQueryHandler<GetGroupStatsQuery> {
  constructor(private readonly runner: ProjectionRunner) {}

  async execute(query: GetGroupStatsQuery): Promise<GroupStatsResult> {
    const { asOf, position, head, group, view } = await readGroupAt(this.runner, query);
    return { groupId: group.groupId, asOf, position, head, seeds: group.seeds, members: group.members, cycles: groupCycleRows(group, view.stats) };
  }
}
