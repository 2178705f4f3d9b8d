import type { GeneratorRef } from '../../domain/experiment/events';

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

export type AgentJob = GenerateJob | EvaluateJob | FineTuneJob;
export type AgentJobKind = AgentJob['kind'];

export const jobIdFor = {
  generate: (experimentId: string, cycle: number) => `generate:${experimentId}:${cycle}`,
  evaluate: (candidateId: string) => `evaluate:${candidateId}`,
  fineTune: (experimentId: string, cycle: number) => `fine-tune:${experimentId}:${cycle}`,
} as const;
