import type { DomainEvent } from '../shared/event-envelope';

/**
 * A proxy-reliability study (seed 000 §5): its own stream `study-<studyId>`. It full-trains the top-k candidates of
 * an experiment by proxy (first-epoch) accuracy and re-runs each one's proxy under R seeds, so that the read model can
 * put the proxy against full training (Pearson, Spearman, Kendall τ-b) and the architecture variance against the
 * proxy's noise (SNR). The candidates' own streams are only read. Events:
 *   ProxyStudyStarted    the experiment, the selection (top-k by recorded proxy accuracy, from admitted or valid), the
 *                        training settings (epochs, proxy seeds, data subsets, device, threads), who, the tool version
 *   FullTrainRecorded    one per candidate: the accuracy after `epochs` epochs (or the stage that stopped it)
 *   ProxyRerunRecorded   one per candidate and proxy seed: the first-epoch accuracy under that seed
 *   ProxyStudyCompleted  the counts (usable pairs, failures)
 * Event ids derive from the study, the candidate and the seed (proxyStudyCommandIds), so a study killed with -9 and
 * resumed finds what it had recorded and trains nothing twice.
 */

export const STUDY_SOURCES = ['admitted', 'valid'] as const;
export type StudySource = (typeof STUDY_SOURCES)[number];

/** One selected candidate with the proxy accuracy it was ranked by (its CandidateEvaluated accuracy). */
export interface StudyCandidate {
  readonly candidateId: string;
  readonly proxyAccuracy: number;
  /** Global position of the CandidateEvaluated the proxy accuracy comes from (every row traces back to it). */
  readonly evaluatedAt: number;
}

/** How the study trains: the same data, budgets and protocol values as the experiment's evaluations, but for `epochs`. */
export interface StudyTraining {
  readonly epochs: number;
  /** The R seeds of the proxy re-runs (R ≥ 3). */
  readonly proxySeeds: readonly number[];
  readonly dataset: string;
  /** The experiment's proxy protocol (e.g. fast); full training uses protocol `full` with `epochs`. */
  readonly protocol: string;
  readonly subset: number | null;
  readonly valSubset: number | null;
  /** cpu | cuda. */
  readonly device: string;
  readonly threads: number;
}

export type ProxyStudyStarted = DomainEvent<'ProxyStudyStarted', {
  readonly studyId: string;
  readonly experimentId: string;
  readonly from: StudySource;
  readonly topK: number;
  /** The top-k by proxy accuracy, best first (ties: log order). */
  readonly candidates: readonly StudyCandidate[];
  readonly training: StudyTraining;
  /** How many candidates the source held (admitted or valid) when the study started. */
  readonly poolSize: number;
  readonly requestedBy: string;
  readonly toolVersion: string;
}>;

/** What one training run gave: the accuracy when it passed, else the stage and reason that stopped it. */
export interface TrainingOutcome {
  readonly ok: boolean;
  readonly accuracy: number | null;
  readonly loss: number | null;
  readonly stage: string;
  readonly reason: string | null;
  readonly protocolHash: string;
  /** 'cpu' or 'cuda:<name>'. */
  readonly device: string;
  readonly durationMs: number;
}

export type FullTrainRecorded = DomainEvent<'FullTrainRecorded', TrainingOutcome & {
  readonly studyId: string;
  readonly experimentId: string;
  readonly candidateId: string;
  readonly epochs: number;
}>;

export type ProxyRerunRecorded = DomainEvent<'ProxyRerunRecorded', TrainingOutcome & {
  readonly studyId: string;
  readonly experimentId: string;
  readonly candidateId: string;
  readonly seed: number;
}>;

export type ProxyStudyCompleted = DomainEvent<'ProxyStudyCompleted', {
  readonly studyId: string;
  readonly experimentId: string;
  /** Candidates whose full training passed (the proxy/full pairs). */
  readonly pairs: number;
  readonly fullTrainFailures: number;
  readonly proxyRerunFailures: number;
}>;

export type ProxyStudyEvent = ProxyStudyStarted | FullTrainRecorded | ProxyRerunRecorded | ProxyStudyCompleted;

export const studyStreamId = (studyId: string): string => `study-${studyId}`;

/** The command ids of a study's writes, hence its event ids: one per study, candidate and seed. */
export const proxyStudyCommandIds = {
  start: (studyId: string) => `ProxyStudyStarted:${studyId}`,
  fullTrain: (studyId: string, candidateId: string) => `FullTrainRecorded:${studyId}:${candidateId}`,
  proxyRerun: (studyId: string, candidateId: string, seed: number) => `ProxyRerunRecorded:${studyId}:${candidateId}:${seed}`,
  complete: (studyId: string) => `ProxyStudyCompleted:${studyId}`,
} as const;
