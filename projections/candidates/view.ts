import type { NotAdmittedReason, RejectionStage } from '../../domain/experiment/events';
import type { PersistentMap } from '../shared/persistent-map';
import type { PersistentVector } from '../shared/persistent-vector';

export type CandidateStatus = 'generated' | 'rejected' | 'evaluated' | 'assessed' | 'admitted' | 'not_admitted';

export interface CandidateRow {
  readonly candidateId: string;
  readonly cycle: number;
  readonly index: number;
  readonly status: CandidateStatus;
  /** The validation stage that rejected it; null unless rejected. */
  readonly stage: RejectionStage | null;
  readonly accuracy: number | null;
  readonly jTrain: number | null;
  readonly admitted: boolean;
  readonly architectureId: string | null;
  readonly notAdmittedReason: NotAdmittedReason | null;
  /** CandidateRejected's reason (the validation message); null unless rejected. */
  readonly rejectionMessage: string | null;
}

/**
 * One cycle's candidates, in persistent structures so an event copies O(log n) of them, not every row. Rows sit in
 * generation order: a cycle's events touch them roughly in that order, so consecutive copies share their path.
 */
export interface CycleCandidates {
  readonly cycle: number;
  readonly rows: PersistentVector<CandidateRow>;
  /** Where each candidate's row sits in `rows`. */
  readonly positions: PersistentMap<number>;
}

/**
 * Partitioned by cycle (the cycle of CandidateGenerated, which every later event of the candidate repeats), so the
 * lookup an event needs walks one cycle's small map, not a map of every candidate of the experiment; and the latest
 * cycle, where nearly every event lands, is held apart so that replacing it copies nothing else.
 */
export interface ExperimentCandidates {
  /** The partition of the highest cycle that generated a candidate. */
  readonly latest: CycleCandidates | null;
  /** Every other partition, keyed by cycle number. */
  readonly earlier: PersistentMap<CycleCandidates>;
}

/** Keyed by experiment id. */
export interface CandidatesView {
  readonly experiments: PersistentMap<ExperimentCandidates>;
}
