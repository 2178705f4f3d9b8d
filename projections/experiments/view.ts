export type ExperimentStatus = 'registered' | 'running' | 'completed' | 'failed';

export interface ExperimentSummary {
  readonly experimentId: string;
  readonly name: string;
  status: ExperimentStatus;
  readonly configHash: string;
  readonly cyclesPlanned: number;
  cyclesDone: number;
  /** The cycle in progress, if any. */
  currentCycle: number | null;
  candidates: number;
  admitted: number;
  readonly registeredAt: string;
  /** Global position of the experiment's latest event (its own and its candidates'). */
  headPosition: number;
  failure: string | null;
}

export interface ExperimentsView {
  experiments: Record<string, ExperimentSummary>;
}
