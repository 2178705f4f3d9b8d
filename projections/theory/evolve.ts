import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEventType } from '../../domain/experiment/events';
import { isEvent } from '../../domain/experiment/ledger-event';
import type { Projection } from '../shared/projection';
import { cycleStatisticsProjection } from '../cycle-statistics/evolve';
import { experimentGroupsProjection } from '../experiment-groups/evolve';
import { noveltyAuditProjection } from '../novelty-audit/evolve';
import type { TheoryView } from './view';

const parts = [cycleStatisticsProjection, noveltyAuditProjection, experimentGroupsProjection] as const;

export const theoryHandledTypes: readonly LedgerEventType[] = [...new Set(parts.flatMap((p) => p.handledEventTypes))];

const handles = (projection: { readonly handledEventTypes: readonly string[] }, type: string) => projection.handledEventTypes.includes(type);

export function initialTheoryView(): TheoryView {
  return {
    stats: cycleStatisticsProjection.initialView(), audit: noveltyAuditProjection.initialView(),
    groups: experimentGroupsProjection.initialView(), configs: {},
  };
}

/** Each part folds the events it handles; the view is the same object when no part changed. */
export function evolveTheory(view: TheoryView, event: RecordedEvent): TheoryView {
  const stats = handles(cycleStatisticsProjection, event.type) ? cycleStatisticsProjection.evolve(view.stats, event) : view.stats;
  const audit = handles(noveltyAuditProjection, event.type) ? noveltyAuditProjection.evolve(view.audit, event) : view.audit;
  const groups = handles(experimentGroupsProjection, event.type) ? experimentGroupsProjection.evolve(view.groups, event) : view.groups;
  const configs = isEvent(event, 'ExperimentRegistered') ? { ...view.configs, [event.data.experimentId]: event.data.config } : view.configs;
  if (stats === view.stats && audit === view.audit && groups === view.groups && configs === view.configs) return view;
  return { stats, audit, groups, configs };
}

export const theoryProjection: Projection<TheoryView> = {
  name: 'theory',
  codeVersion: `1/${parts.map((p) => `${p.name}@${p.codeVersion}`).join('/')}`,
  handledEventTypes: theoryHandledTypes,
  initialView: initialTheoryView,
  evolve: evolveTheory,
};
