import type { TextParameters } from '../../domain/novelty/text-signature';

/** A corpus member with its source text: what the exact Jaccard check reads. */
export interface AuditedEntry {
  readonly entryId: string;
  readonly source: 'seed' | 'admitted';
  /** Cycle that admitted it; null for seed entries. */
  readonly cycle: number | null;
  readonly codeHash: string;
  readonly code: string;
  readonly accuracy: number | null;
}

/** A candidate at or above the accuracy threshold that the novelty filter kept out (CandidateNotAdmitted). */
export interface TurnedAway {
  readonly candidateId: string;
  readonly cycle: number;
  readonly accuracy: number;
  readonly reason: 'near_duplicate' | 'structural_duplicate';
  /** Global position of its CandidateNotAdmitted. */
  readonly position: number;
}

export interface AuditedCycle {
  readonly cycle: number;
  readonly admitted: number;
  readonly completed: boolean;
}

export interface ExperimentNoveltyAudit {
  readonly experimentId: string;
  /** The filter's near-duplicate threshold τ (config.novelty.nearDuplicateTau): J > τ is a near-duplicate. */
  readonly tau: number;
  /** The accuracy threshold of admission. */
  readonly threshold: number;
  readonly filterOn: boolean;
  readonly delta: boolean;
  readonly text: TextParameters;
  readonly corpus: readonly AuditedEntry[];
  /** Generated candidates not yet decided: their code, until admitted (kept) or not (dropped). */
  readonly pending: Readonly<Record<string, { readonly code: string; readonly codeHash: string }>>;
  readonly turnedAway: readonly TurnedAway[];
  readonly cycles: readonly AuditedCycle[];
}

/** Keyed by experiment id. */
export interface NoveltyAuditView {
  readonly experiments: Readonly<Record<string, ExperimentNoveltyAudit>>;
}
