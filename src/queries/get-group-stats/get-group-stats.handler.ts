import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { theoryProjection } from '../../../projections/theory/evolve';
import { groupCycleRows, groupOf } from '../../../projections/experiment-groups/query';
import { describeAsOf } from '../../../projections/shared/as-of';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { ProjectionRunner } from '../projection-runner';
import { validateQuery } from '../validate-query';
import { findGroup, groupPosition } from '../group-point';
import { GetGroupStatsQuery, type GroupStatsResult } from './get-group-stats.query';

@QueryHandler(GetGroupStatsQuery)
export class GetGroupStatsHandler implements IQueryHandler<GetGroupStatsQuery> {
  constructor(private readonly runner: ProjectionRunner) {}

  async execute(query: GetGroupStatsQuery): Promise<GroupStatsResult> {
    validateQuery(query);
    const asOf = query.asOf.toAsOf();
    const position = await groupPosition(this.runner, await findGroup(this.runner, query.groupId), asOf);
    const { view, head } = await this.runner.viewAt(theoryProjection, position);
    const group = groupOf(view.groups, query.groupId);
    if (!group) {
      throw new LedgerError('NOT_FOUND', `group "${query.groupId}" has no run registered by ${describeAsOf(asOf)} (position ${position})`, 'Pick a later as-of point.');
    }
    return { groupId: group.groupId, asOf, position, head, seeds: group.seeds, members: group.members, cycles: groupCycleRows(group, view.stats) };
  }
}
