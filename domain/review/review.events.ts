import type { DomainEvent } from '../shared/event-envelope';

/**
 * A reproducibility review: its own stream `review-<reviewId>`. It records what was re-run and how it compared with
 * the record; nothing about the original candidates is ever changed. Events:
 *   ReviewStarted      the scope (resolved to candidate ids), the reviewer, the environment, the tool version
 *   CandidateReviewed  one per candidate in scope: the verdict, deltas, likely cause and the differences found
 *   ReviewCompleted    the counts per verdict
 * Event ids derive from the review id and the candidate (reviewCommandIds), so a review killed with -9 and resumed
 * repeats nothing already recorded.
 */

export const REVIEW_VERDICTS = ['reproduced', 'within-tolerance', 'diverged', 'not-reproducible'] as const;
export type ReviewVerdict = (typeof REVIEW_VERDICTS)[number];

/** What the reviewer asked for (the CLI's flags), before it is resolved to candidate ids. */
export interface ReviewScope {
  readonly cycle: number | null;
  readonly admitted: boolean;
  /** Named candidates (--candidates), or null for all in the other filters. */
  readonly candidates: readonly string[] | null;
  /** A random sample of this size from the scope (--sample), drawn with `seed`. */
  readonly sample: number | null;
  readonly seed: number | null;
  /** What the review re-runs beside the evaluation. */
  readonly regenerate: boolean;
  readonly decisions: boolean;
  /** Largest |Δ| of accuracy and loss still `within-tolerance` (on a GPU); 0 asks for bit-identical numbers. */
  readonly tolerance: number;
  /** Where the re-runs go (--device: cpu | cuda | auto); absent or null: each candidate's recorded device kind. */
  readonly device?: string | null;
  /** Torch threads of the re-runs (--threads); absent or null: the recorded count. */
  readonly threads?: number | null;
  /** Validation images for re-running a rejection (which records no protocol values): the experiment's evaluations' value. */
  readonly valSubset?: number | null;
}

/** Where the review ran: compared with each candidate's record, every difference is named in its verdict. */
export interface ReviewEnvironment {
  /** Content hash of the dataset files the reviewer has; null when they are missing. */
  readonly datasetContentHash: string | null;
  readonly dataset: string;
  /** 'cpu' or 'cuda:<name>', as evaluations record it. */
  readonly device: string;
  /** torch, CUDA, Python, numpy, ... versions (null: not installed). */
  readonly libraries: Readonly<Record<string, string | null>>;
  readonly threads: number;
  /** 'bwrap' or 'rlimits-only'. */
  readonly sandbox: string;
}

export type ReviewStarted = DomainEvent<'ReviewStarted', {
  readonly reviewId: string;
  readonly experimentId: string;
  readonly scope: ReviewScope;
  /** The scope resolved: the candidates this review gives a verdict on, in log order. */
  readonly candidateIds: readonly string[];
  readonly reviewer: string;
  readonly environment: ReviewEnvironment;
  /** nas-ledger's version (package.json) and, where known, its commit. */
  readonly toolVersion: string;
}>;

/** One named difference between the record and the review: `field` as the record names it. */
export interface RecordedDifference {
  readonly field: string;
  readonly recorded: string | number | boolean | null;
  readonly observed: string | number | boolean | null;
}

/** A re-derived decision that differs from the one recorded (review --decisions). */
export interface DecisionDifference {
  readonly decision: 'novelty' | 'admission';
  readonly field: string;
  readonly recorded: string | number | boolean | null;
  readonly recomputed: string | number | boolean | null;
}

export type CandidateReviewed = DomainEvent<'CandidateReviewed', {
  readonly reviewId: string;
  readonly experimentId: string;
  readonly candidateId: string;
  readonly verdict: ReviewVerdict;
  /** observed − recorded for each number compared (accuracy, loss, params, ...); empty when there was nothing to compare. */
  readonly deltas: Readonly<Record<string, number>>;
  /** For `diverged` and `not-reproducible`: the likely cause, in words (null for `reproduced`). */
  readonly likelyCause: string | null;
  /** For `not-reproducible`: what to do about it (restore the dataset, import the bundle's artifacts, ...). */
  readonly remedy: string | null;
  readonly environmentDifferences: readonly RecordedDifference[];
  /** Differences in outcome: stage of a rejection, code hash on regeneration, protocol hash, ... */
  readonly outcomeDifferences: readonly RecordedDifference[];
  readonly decisionDifferences: readonly DecisionDifference[];
  /** How the protocol values were known: recorded in the event, found by search (old events), or not found. */
  readonly protocolValues: 'recorded' | 'searched' | 'not-found' | 'not-applicable';
  /** With --regenerate: whether the code hash came out the same (null: not regenerated). */
  readonly regenerated: boolean | null;
}>;

export type ReviewCompleted = DomainEvent<'ReviewCompleted', {
  readonly reviewId: string;
  readonly experimentId: string;
  readonly reviewed: number;
  readonly counts: Readonly<Record<ReviewVerdict, number>>;
}>;

export type ReviewEvent = ReviewStarted | CandidateReviewed | ReviewCompleted;

export const reviewStreamId = (reviewId: string): string => `review-${reviewId}`;

/**
 * The command ids of a review's writes, hence its event ids (eventIdFor(commandId, i)): one per review and
 * candidate, so a resumed review that records a verdict again finds it already recorded.
 */
export const reviewCommandIds = {
  start: (reviewId: string) => `ReviewStarted:${reviewId}`,
  candidate: (reviewId: string, candidateId: string) => `CandidateReviewed:${reviewId}:${candidateId}`,
  complete: (reviewId: string) => `ReviewCompleted:${reviewId}`,
} as const;
