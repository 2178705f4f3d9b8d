import type { EventRef } from '../shared/event-ref';
import type { PersistentVector } from '../shared/persistent-vector';

/** One member of an experiment's training corpus, in the order it joined. */
export interface CorpusMember {
  /** `seed:<name>` for seed entries, the admitted candidate's id otherwise. */
  readonly entryId: string;
  /** `arch-<codeHash prefix>` for admitted architectures; null for seed entries. */
  readonly architectureId: string | null;
  readonly source: 'seed' | 'admitted';
  readonly name: string;
  readonly codeHash: string;
  readonly accuracy: number | null;
  /** Cycle that admitted it; null for seed entries. */
  readonly cycle: number | null;
  readonly candidateId: string | null;
  /** The CorpusSeeded or CandidateAdmitted event that added it. */
  readonly addedBy: EventRef;
}

export interface ExperimentCorpus {
  readonly experimentId: string;
  /** In joining order; a persistent vector, so an admission copies O(log n) of it, not the whole corpus. */
  readonly members: PersistentVector<CorpusMember>;
}

/** Experiments are few: a record keyed by experiment is copied whole when one of them changes. */
export interface CorpusView {
  readonly experiments: Readonly<Record<string, ExperimentCorpus>>;
}

export interface CorpusSnapshot {
  readonly experimentId: string;
  readonly size: number;
  readonly seedSize: number;
  /** Hash over the members' sorted code hashes (the same formula as GeneratorFineTuneRequested.corpusHash). */
  readonly corpusHash: string;
  readonly members: readonly CorpusMember[];
}
