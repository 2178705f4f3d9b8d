import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { experimentGroupOf, type LedgerEventType } from '../../domain/experiment/events';
import { isEvent } from '../../domain/experiment/ledger-event';
import type { Projection } from '../shared/projection';
import type { ExperimentGroupsView } from './view';

export const EXPERIMENT_GROUPS_VERSION = '1';

export const experimentGroupsHandledTypes: readonly LedgerEventType[] = ['ExperimentRegistered'];

export function initialExperimentGroupsView(): ExperimentGroupsView {
  return { groups: {} };
}

/** A registration with a group joins it; one registered alone (schema version 1, or group null) changes nothing. */
export function evolveExperimentGroups(view: ExperimentGroupsView, recorded: RecordedEvent): ExperimentGroupsView {
  if (!isEvent(recorded, 'ExperimentRegistered')) return view;
  const group = experimentGroupOf(recorded.data);
  if (!group) return view;
  const { experimentId, config, configHash } = recorded.data;
  const existing = view.groups[group.groupId];
  const member = { experimentId, seed: config.seed, variant: group.variant, configHash, registeredAt: recorded.globalPosition };
  const members = [...(existing?.members ?? []), member];
  return { groups: { ...view.groups, [group.groupId]: { groupId: group.groupId, seeds: existing?.seeds ?? group.seeds, members } } };
}

export const experimentGroupsProjection: Projection<ExperimentGroupsView> = {
  name: 'experiment-groups',
  codeVersion: EXPERIMENT_GROUPS_VERSION,
  handledEventTypes: experimentGroupsHandledTypes,
  initialView: initialExperimentGroupsView,
  evolve: evolveExperimentGroups,
};
