import type { PersistentMap } from '../shared/persistent-map';

export type ExperimentStatus = 'registered' | 'running' | 'completed' | 'failed';

export interface ExperimentSummary {
  readonly experimentId: string;
  readonly name: string;
  readonly status: ExperimentStatus;
  readonly configHash: string;
  readonly cyclesPlanned: number;
  readonly cyclesDone: number;
  /** The cycle in progress, if any. */
  readonly currentCycle: number | null;
  readonly candidates: number;
  readonly admitted: number;
  readonly registeredAt: string;
  /** Global position of the experiment's latest event (its own and its candidates'). */
  readonly headPosition: number;
  readonly failure: string | null;
}

/** Keyed by experiment id (a persistent map: every event replaces one summary, copying O(log n) of the map). */
export interface ExperimentsView {
  readonly experiments: PersistentMap<ExperimentSummary>;
}
