import type { GeneratorRef } from '../../domain/experiment/events';
import type { DecisionDifference } from '../../domain/review/review.events';

/**
 * Jobs the orchestrator sends to GPU agents over the bus. Results never travel back on the bus:
 * agents append them to the ledger, and the orchestrator hears them through its store subscription.
 * jobId is deterministic (kind + candidate or cycle), so a redelivered job is recognised.
 */
export const AGENT_JOB_PROTOCOL_VERSION = 1;

interface JobBase {
  readonly protocolVersion: typeof AGENT_JOB_PROTOCOL_VERSION;
  readonly jobId: string;
  readonly experimentId: string;
  readonly cycle: number;
  readonly correlationId: string;
  /** Event id of the ledger event that caused this job. */
  readonly causationId: string;
}

export interface GenerateJob extends JobBase {
  readonly kind: 'generate';
  readonly count: number;
  readonly seed: number;
  readonly generatorSpec: string;
  readonly generator: GeneratorRef;
  readonly delta: boolean;
  readonly dataset: string;
  readonly parameterBudget: number;
}

export interface EvaluateJob extends JobBase {
  readonly kind: 'evaluate';
  readonly candidateId: string;
  readonly codeHash: string;
  readonly dataset: string;
  readonly subset: number | null;
  readonly protocol: string;
  readonly seed: number;
  readonly parameterBudget: number;
  /** Absent in jobs from an experiment registered before compute budgets existed: no budget. */
  readonly flopsBudget?: number | null;
  readonly device: string;
}

export interface FineTuneJob extends JobBase {
  readonly kind: 'fine-tune';
  readonly generatorSpec: string;
  readonly from: GeneratorRef;
  readonly corpusVersion: number;
  readonly corpusHash: string;
}

/**
 * A reproducibility review's re-run of one recorded candidate (issue 14): the agent re-evaluates the recorded code
 * with the protocol values its record names (and, with `regenerate`, regenerates it from the recorded generator
 * version, seed, index and parent), compares, and records the verdict on `review-<reviewId>`. It never writes to
 * the candidate's own stream.
 */
export interface ReviewEvaluateJob extends JobBase {
  readonly kind: 'review-evaluate';
  readonly reviewId: string;
  readonly candidateId: string;
  /** The experiment's protocol ('sim' routes to the sim backends). */
  readonly protocol: string;
  /** cpu | cuda | auto: where to re-run (default: the recorded device's kind). */
  readonly device: string;
  /** Largest |delta| of accuracy and loss still called within-tolerance (off the recorded device and thread count). */
  readonly tolerance: number;
  readonly regenerate: boolean;
  /** Torch threads to re-run with; null: the recorded count. */
  readonly threads: number | null;
  /** Validation images for a rejected candidate (no values recorded): the experiment's evaluations' value. */
  readonly valSubset: number | null;
  /** review --decisions: this candidate's re-derived decisions that differ from the record (the review computes them from the log). */
  readonly decisionDifferences?: readonly DecisionDifference[];
}

/**
 * One training of a proxy-reliability study (seed 000 §5): `full-train` trains the candidate's recorded code for
 * `epochs` epochs (the runner's full_train job, protocol `full`), `proxy` re-runs its first-epoch evaluation under
 * `seed`. The agent records the outcome on `study-<studyId>` (FullTrainRecorded / ProxyRerunRecorded), never on the
 * candidate's stream.
 */
export interface ProxyStudyJob extends JobBase {
  readonly kind: 'proxy-study';
  readonly studyId: string;
  readonly candidateId: string;
  readonly task: 'full-train' | 'proxy';
  /** full-train: the epochs; proxy: the experiment's protocol trains its own (one). */
  readonly epochs: number;
  /** proxy: the re-run's seed; full-train: the candidate's recorded seed. */
  readonly seed: number;
  /** The experiment's protocol ('sim' routes to the sim backends, which refuse it). */
  readonly protocol: string;
  readonly dataset: string;
  readonly subset: number | null;
  readonly valSubset: number | null;
  /** cpu | cuda. */
  readonly device: string;
  readonly threads: number;
}

export type AgentJob = GenerateJob | EvaluateJob | FineTuneJob | ReviewEvaluateJob | ProxyStudyJob;
export type AgentJobKind = AgentJob['kind'];

export const jobIdFor = {
  generate: (experimentId: string, cycle: number) => `generate:${experimentId}:${cycle}`,
  evaluate: (candidateId: string) => `evaluate:${candidateId}`,
  fineTune: (experimentId: string, cycle: number) => `fine-tune:${experimentId}:${cycle}`,
  reviewEvaluate: (reviewId: string, candidateId: string) => `review-evaluate:${reviewId}:${candidateId}`,
  proxyStudy: (studyId: string, candidateId: string, task: 'full-train' | 'proxy', seed: number) =>
    `proxy-study:${studyId}:${candidateId}:${task === 'full-train' ? 'full' : `proxy-${seed}`}`,
} as const;
