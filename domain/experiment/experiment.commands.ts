import type { DomainCommand } from '../shared/decider';
import type { ExperimentConfig } from './config';
import type { CorpusEntry, ExperimentGroupRef, GeneratorRef } from './events';

export type RegisterExperiment = DomainCommand<'RegisterExperiment', {
  readonly experimentId: string;
  readonly name: string;
  readonly config: ExperimentConfig;
  /** One run of a multi-seed group; absent or null: registered alone. */
  readonly group?: ExperimentGroupRef | null;
}>;

export type SeedCorpus = DomainCommand<'SeedCorpus', {
  readonly experimentId: string;
  readonly entries: readonly CorpusEntry[];
  readonly source: string;
}>;

export type StartCycle = DomainCommand<'StartCycle', {
  readonly experimentId: string;
  readonly cycle: number;
  /** Required for cycle 1; later cycles default to (and must equal) the generator the last fine-tune produced. */
  readonly generator?: GeneratorRef;
  readonly candidatesPlanned: number;
}>;

export type RequestFineTune = DomainCommand<'RequestFineTune', {
  readonly experimentId: string;
  readonly cycle: number;
  /** Corpus entries (seed + admitted) the fine-tune trains on, and their hash (corpusHashOf). */
  readonly corpusVersion: number;
  readonly corpusHash: string;
}>;

export type RecordFineTuned = DomainCommand<'RecordFineTuned', {
  readonly experimentId: string;
  readonly cycle: number;
  readonly to: GeneratorRef;
  readonly adapterHash: string;
  readonly loss: number | null;
  readonly durationMs: number;
}>;

export type SkipFineTune = DomainCommand<'SkipFineTune', {
  readonly experimentId: string;
  readonly cycle: number;
}>;

/** Candidate counts of the cycle, read by the caller from the candidate streams (this stream does not own them). */
export interface CycleCandidateCounts {
  readonly generated: number;
  /** Candidates that are rejected, not admitted or admitted. */
  readonly terminal: number;
  readonly admitted: number;
}

export type CompleteCycle = DomainCommand<'CompleteCycle', {
  readonly experimentId: string;
  readonly cycle: number;
  readonly candidates: CycleCandidateCounts;
}>;

export type CompleteExperiment = DomainCommand<'CompleteExperiment', {
  readonly experimentId: string;
}>;

export type FailExperiment = DomainCommand<'FailExperiment', {
  readonly experimentId: string;
  readonly reason: string;
}>;

export type ExperimentCommand =
  | RegisterExperiment | SeedCorpus | StartCycle
  | RequestFineTune | RecordFineTuned | SkipFineTune
  | CompleteCycle | CompleteExperiment | FailExperiment;
