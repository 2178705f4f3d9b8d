import { Query } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsString, ValidateNested } from 'class-validator';
import { LedgerError } from '../../domain/shared/ledger-error';
import { theoryProjection } from '../../projections/theory/evolve';
import type { TheoryView } from '../../projections/theory/view';
import { groupOf } from '../../projections/experiment-groups/query';
import type { ExperimentGroup } from '../../projections/experiment-groups/view';
import { describeAsOf, HEAD, type AsOf } from '../../projections/shared/as-of';
import { AsOfDto } from './as-of.dto';
import { findGroup, groupPosition } from './group-point';
import type { ProjectionRunner } from './projection-runner';
import { validateQuery } from './validate-query';

/** A query about one experiment group as of a point in history (group stats, the novelty sweep). */
export abstract class GroupAsOfQuery<Result> extends Query<Result> {
  @IsString() @IsNotEmpty() readonly groupId: string;
  @ValidateNested() @Type(() => AsOfDto) readonly asOf: AsOfDto;

  constructor(groupId: string, asOf: AsOf = HEAD) {
    super();
    this.groupId = groupId;
    this.asOf = new AsOfDto(asOf);
  }
}

/** The group as it stood at the query's point, with the theory view (stats, audits) there. */
export interface GroupAtPoint {
  readonly asOf: AsOf;
  readonly position: number;
  readonly head: number;
  readonly group: ExperimentGroup;
  readonly view: TheoryView;
}

/**
 * Validates the query, finds the group at the head (NOT_FOUND naming the groups there are), lets `accept` refuse it
 * for what it is, then folds the theory view up to the group's point: NOT_FOUND when no run of it was registered by then.
 */
export async function readGroupAt(runner: ProjectionRunner, query: GroupAsOfQuery<unknown>,
  accept: (group: ExperimentGroup) => void = () => undefined): Promise<GroupAtPoint> {
  validateQuery(query);
  const asOf = query.asOf.toAsOf();
  const atHead = await findGroup(runner, query.groupId);
  accept(atHead);
  const position = await groupPosition(runner, atHead, asOf);
  const { view, head } = await runner.viewAt(theoryProjection, position);
  const group = groupOf(view.groups, query.groupId);
  if (!group) {
    throw new LedgerError('NOT_FOUND', `group "${query.groupId}" has no run registered by ${describeAsOf(asOf)} (position ${position})`, 'Pick a later as-of point.');
  }
  return { asOf, position, head, group, view };
}
