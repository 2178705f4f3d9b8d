import type { NotAdmittedReason, RejectionStage } from '../../domain/experiment/events';
import type { PersistentMap } from '../shared/persistent-map';
import type { CandidateStatus } from '../candidates/view';

/**
 * Everything the ledger says about one candidate except its source text (the text stays in CandidateGenerated, so
 * snapshots of this view stay small): what `show`, `export candidates` and `diff` read. Null where the candidate's
 * life has not reached that event (yet, at the as-of point).
 */
export interface CandidateRecord {
  readonly experimentId: string;
  readonly candidateId: string;
  readonly cycle: number;
  readonly index: number;
  readonly status: CandidateStatus;
  /** Global position of the candidate's last event folded in. */
  readonly lastPosition: number;
  readonly generatedAt: string;
  /** recordedAt of the candidate's last event folded in. */
  readonly updatedAt: string;
  readonly generation: {
    readonly generatorId: string;
    readonly generatorVersion: string;
    readonly codeHash: string;
    readonly promptHash: string;
    readonly seed: number;
    readonly outputTokens: number;
    readonly temperature: number;
    readonly topK: number;
    readonly topP: number;
    readonly maxNewTokens: number;
    /** Delta generation: the corpus entry the diff was applied to. */
    readonly parentEntryId: string | null;
  };
  readonly rejection: {
    readonly stage: RejectionStage;
    readonly message: string;
    readonly params: number | null;
    readonly device: string | null;
  } | null;
  readonly evaluation: {
    readonly accuracy: number;
    readonly loss: number;
    readonly params: number;
    readonly flops: number | null;
    readonly datasetId: string;
    readonly datasetHash: string;
    readonly protocolHash: string;
    readonly seed: number;
    readonly device: string;
    readonly libraries: Readonly<Record<string, string>>;
    readonly timings: Readonly<Record<string, number>>;
    readonly structuralFingerprint: string | null;
    /** Who measured accuracy, loss and params; null for events recorded before the field existed. */
    readonly measuredBy: string | null;
    readonly selfReported: readonly string[];
  } | null;
  readonly novelty: {
    /** Jaccard similarity to the nearest training-corpus entry, and that entry. */
    readonly jTrain: number;
    readonly nearestTrainId: string | null;
    readonly jGen: number;
    readonly nearestGenId: string | null;
    readonly nearDupTextTrain: boolean;
    readonly nearDupTextGen: boolean;
    readonly structuralDuplicateOf: string | null;
  } | null;
  readonly admission: {
    readonly admitted: boolean;
    readonly architectureId: string | null;
    readonly notAdmittedReason: NotAdmittedReason | null;
  } | null;
}

/** Keyed by candidate id; a candidate's experiment is in its record. */
export interface CandidateRecordsView {
  readonly records: PersistentMap<CandidateRecord>;
}
