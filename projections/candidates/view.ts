import type { NotAdmittedReason, RejectionStage } from '../../domain/experiment/events';

export type CandidateStatus = 'generated' | 'rejected' | 'evaluated' | 'assessed' | 'admitted' | 'not_admitted';

export interface CandidateRow {
  readonly candidateId: string;
  readonly cycle: number;
  readonly index: number;
  status: CandidateStatus;
  /** The validation stage that rejected it; null unless rejected. */
  stage: RejectionStage | null;
  accuracy: number | null;
  jTrain: number | null;
  admitted: boolean;
  architectureId: string | null;
  notAdmittedReason: NotAdmittedReason | null;
}

export interface ExperimentCandidates {
  /** Keyed by candidate id, in generation order (insertion order of the record). */
  candidates: Record<string, CandidateRow>;
}

export interface CandidatesView {
  experiments: Record<string, ExperimentCandidates>;
}
