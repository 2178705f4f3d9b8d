import { values } from '../shared/persistent-map';
import type { ExperimentSummary, ExperimentsView } from './view';

/** All experiments, oldest registration first. */
export function listExperiments(view: ExperimentsView): ExperimentSummary[] {
  return values(view.experiments)
    .map((s) => ({ ...s }))
    .sort((a, b) => a.registeredAt.localeCompare(b.registeredAt) || a.experimentId.localeCompare(b.experimentId));
}
