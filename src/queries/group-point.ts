import { LedgerError } from '../../domain/shared/ledger-error';
import { streamIds } from '../../domain/experiment/events';
import { cycleEndPosition, type AsOf } from '../../projections/shared/as-of';
import { experimentGroupsProjection } from '../../projections/experiment-groups/evolve';
import { groupOf, listGroups } from '../../projections/experiment-groups/query';
import type { ExperimentGroup } from '../../projections/experiment-groups/view';
import type { ProjectionRunner } from './projection-runner';

/**
 * The global position an as-of point names for a group: a cycle is the point where every run has completed it
 * (the latest of their CycleCompleted positions); the other kinds mean what they mean for one experiment.
 */
export async function groupPosition(runner: ProjectionRunner, group: ExperimentGroup, asOf: AsOf): Promise<number> {
  if (asOf.kind !== 'cycle') return runner.resolvePosition(asOf);
  let position = 0;
  for (const member of group.members) {
    const stream = await runner.store.readStream(streamIds.experiment(member.experimentId));
    position = Math.max(position, cycleEndPosition(stream, member.experimentId, asOf.cycle));
  }
  return position;
}

/** The group as the ledger holds it at the head; NOT_FOUND naming the groups there are when it has no such group. */
export async function findGroup(runner: ProjectionRunner, groupId: string): Promise<ExperimentGroup> {
  const { view } = await runner.viewAsOf(experimentGroupsProjection, { kind: 'head' });
  const group = groupOf(view, groupId);
  if (group) return group;
  const known = listGroups(view).map((g) => g.groupId);
  throw new LedgerError('NOT_FOUND', `no experiment group "${groupId}" in the ledger`,
    known.length ? `Groups here: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}.` : 'Record one with `nas-ledger replicate --seeds 1,2,3`.',
    { groupId, known });
}
