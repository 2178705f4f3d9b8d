import type { DomainEvent } from '../shared/event-envelope';
import type { ExperimentConfig } from './config';
import type { ReviewEvent } from '../review/review.events';
import type { ProxyStudyEvent } from '../study/proxy-study.events';

/**
 * The event catalog. Streams:
 *   experiment-<experimentId>  registration, corpus seeding, cycles, fine-tunes, completion
 *   candidate-<candidateId>    one candidate's life: generated -> rejected | evaluated -> novelty -> admitted | not admitted
 *   job-<jobId>                claims on bus jobs (a claim at an expected version means one runner per job)
 * Each stream is the unit of optimistic concurrency: a cycle cannot start twice, a candidate cannot be judged twice.
 */

export const REJECTION_STAGES = [
  'parse', 'policy', 'instantiate', 'contract', 'budget', 'forward', 'train', 'timeout', 'sandbox', 'diff-apply',
] as const;
export type RejectionStage = (typeof REJECTION_STAGES)[number];

export const NOT_ADMITTED_REASONS = ['below_threshold', 'near_duplicate', 'structural_duplicate'] as const;
export type NotAdmittedReason = (typeof NOT_ADMITTED_REASONS)[number];

export interface CorpusEntry {
  /** `seed:<name>` for the seed corpus, the admitting candidate's id for admitted entries. */
  readonly entryId: string;
  readonly name: string;
  readonly code: string;
  readonly codeHash: string;
  readonly accuracy: number | null;
}

export interface DecodingParameters {
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
  readonly maxNewTokens: number;
}

export interface GeneratorRef {
  /** e.g. `grammar`, `llm:/models/deepseek`, `openai:http://...`, `sim`. */
  readonly id: string;
  /** Content hash of the generator's parameters (grammar θ, LoRA adapter). */
  readonly version: string;
}

/**
 * One run among several of the same config with different seeds (`replicate`, `ablate --seeds`, a novelty-threshold
 * sweep). The group is not part of the config, so a grouped run's configHash is the ungrouped run's.
 */
export interface ExperimentGroupRef {
  readonly groupId: string;
  /** What the group varies besides the seed: '' for replicate, the ablation variant, or the novelty τ (`tau=0.85`). */
  readonly variant: string;
  /** Every seed of the group, in order (this run's is config.seed). */
  readonly seeds: readonly number[];
}

export type ExperimentRegistered = DomainEvent<'ExperimentRegistered', {
  readonly experimentId: string;
  readonly name: string;
  readonly config: ExperimentConfig;
  readonly configHash: string;
  /**
   * Schema version 2. null: not one of a group (events of version 1 read so through the upcaster in
   * src/ledger/upcasters.ts); absent only in hand-built test events. Read it with experimentGroupOf.
   */
  readonly group?: ExperimentGroupRef | null;
}>;

/** The group an experiment was registered in; null when it was registered alone. */
export const experimentGroupOf = (data: ExperimentRegistered['data']): ExperimentGroupRef | null => data.group ?? null;

export type CorpusSeeded = DomainEvent<'CorpusSeeded', {
  readonly experimentId: string;
  readonly entries: readonly CorpusEntry[];
  /** Hash over the sorted entry code hashes. */
  readonly corpusHash: string;
  readonly source: string;
}>;

export type CycleStarted = DomainEvent<'CycleStarted', {
  readonly experimentId: string;
  readonly cycle: number;
  readonly generator: GeneratorRef;
  readonly corpusSize: number;
  readonly candidatesPlanned: number;
}>;

export type CandidateGenerated = DomainEvent<'CandidateGenerated', {
  readonly experimentId: string;
  readonly cycle: number;
  readonly candidateId: string;
  /** Order of generation within the cycle; novelty is assessed in this order. */
  readonly index: number;
  readonly code: string;
  readonly codeHash: string;
  readonly generator: GeneratorRef;
  readonly promptHash: string;
  readonly decoding: DecodingParameters;
  readonly seed: number;
  readonly outputTokens: number;
  /** Delta generation: the corpus entry the diff was applied to, the diff itself. */
  readonly parent: { readonly entryId: string; readonly diff: string } | null;
}>;

export type CandidateRejected = DomainEvent<'CandidateRejected', {
  readonly experimentId: string;
  readonly cycle: number;
  readonly candidateId: string;
  readonly stage: RejectionStage;
  readonly reason: string;
  readonly params: number | null;
  readonly device: string | null;
}>;

/**
 * The resolved protocol value the runner hashed into `protocolHash` (gpu-agent/runner/protocols.py `resolve`), key for
 * key: sha256 of its JSON with sorted keys and no spaces is the protocolHash (protocolValuesHash checks it). The
 * settings the issue names map to these keys: subset, valSubset, batchSize, epochs, augmentation (pipeline, cropPad,
 * resize; random flips follow the dataset), prm, seed and threads (cpuThreads: present on the CPU only, where the
 * thread count changes the numbers). Keys a newer runner adds are kept (the index signature), so the hash still checks.
 */
export interface ProtocolValues {
  readonly name: string;
  readonly version: number;
  readonly dataset: string;
  readonly subset: number | null;
  readonly valSubset: number | null;
  readonly batchSize: number;
  readonly evalBatchSize: number;
  readonly epochs: number;
  readonly pipeline: string;
  readonly cropPad: number;
  readonly resize: number | null;
  readonly amp: boolean;
  readonly prm: Readonly<Record<string, number>>;
  readonly fixedPrm: boolean;
  readonly seed: number;
  readonly cpuThreads?: number;
  readonly measuredBy?: string;
  readonly loaderWorkers: number;
  readonly [key: string]: unknown;
}

export type CandidateEvaluated = DomainEvent<'CandidateEvaluated', {
  readonly experimentId: string;
  readonly cycle: number;
  readonly candidateId: string;
  readonly accuracy: number;
  readonly loss: number;
  readonly params: number;
  readonly dataset: { readonly id: string; readonly contentHash: string };
  readonly protocolHash: string;
  readonly seed: number;
  readonly device: string;
  readonly libraries: Readonly<Record<string, string>>;
  /** Seconds per phase: instantiate, forward, train, eval, total. */
  readonly timings: Readonly<Record<string, number>>;
  /** Hash of the canonical module graph, when the runner could fingerprint the model. */
  readonly structuralFingerprint: string | null;
  /**
   * Forward FLOPs per sample of the Conv2d and Linear layers (2 × multiply-accumulates), measured on the dummy batch.
   * Optional because events recorded before the field existed lack it: readers treat absent as null (a weak-schema,
   * additive change, so the schema version stays 1 and old hashes keep verifying).
   */
  readonly flops?: number | null;
  /**
   * How the numbers were produced: `by` names the trusted measurement (e.g. 'runner-v1': accuracy, loss and params
   * computed by the runner outside the sandbox); `selfReported` lists what the candidate's own process measured
   * (flops, timings, ...). Optional and additive like flops: events recorded before it lack it, and readers treat
   * absence as unknown (measured the old way, inside the candidate's process).
   */
  readonly measurement?: { readonly by: string; readonly selfReported: readonly string[] };
  /**
   * Every value the protocolHash covers (schema version 2). null: not recorded, for events of schema version 1 (the
   * upcaster in src/ledger/upcasters.ts reads them so); absent: a writer that does not know them (the simulation,
   * hand-built test events). Read it with protocolValuesOf, which treats both as null. A review of an event without
   * values searches the values `run` could have used for the ones whose hash matches (gpu-agent/runner/protocol_search.py).
   */
  readonly protocolValues?: ProtocolValues | null;
}>;

/** The protocol values an evaluation recorded; null when it did not record them (schema version 1, the simulation). */
export const protocolValuesOf = (data: CandidateEvaluated['data']): ProtocolValues | null => data.protocolValues ?? null;

export type NoveltyAssessed = DomainEvent<'NoveltyAssessed', {
  readonly experimentId: string;
  readonly cycle: number;
  readonly candidateId: string;
  readonly jTrain: number;
  readonly jGen: number;
  readonly nearestTrainId: string | null;
  readonly nearestGenId: string | null;
  readonly nearDupTextTrain: boolean;
  readonly nearDupTextGen: boolean;
  /** Candidates of this cycle, up to and including this one, flagged as near-duplicates (the paper's running count). */
  readonly rejectionCount: number;
  readonly structuralFingerprint: string | null;
  readonly structuralDuplicateOf: string | null;
  /** MinHash signature, base64 of 256 little-endian uint32: lets projections and the index rebuild without re-hashing. */
  readonly signature: string;
}>;

export type CandidateAdmitted = DomainEvent<'CandidateAdmitted', {
  readonly experimentId: string;
  readonly cycle: number;
  readonly candidateId: string;
  /** The corpus entry id of the admitted architecture (`arch-<codeHash prefix>`). */
  readonly architectureId: string;
  readonly accuracy: number;
  readonly codeHash: string;
}>;

export type CandidateNotAdmitted = DomainEvent<'CandidateNotAdmitted', {
  readonly experimentId: string;
  readonly cycle: number;
  readonly candidateId: string;
  readonly reason: NotAdmittedReason;
  readonly accuracy: number;
}>;

export type GeneratorFineTuneRequested = DomainEvent<'GeneratorFineTuneRequested', {
  readonly experimentId: string;
  readonly cycle: number;
  readonly from: GeneratorRef;
  /** Number of corpus entries (seed + admitted) at request time, and their hash. */
  readonly corpusVersion: number;
  readonly corpusHash: string;
}>;

export type GeneratorFineTuned = DomainEvent<'GeneratorFineTuned', {
  readonly experimentId: string;
  readonly cycle: number;
  readonly from: GeneratorRef;
  readonly to: GeneratorRef;
  readonly adapterHash: string;
  readonly corpusVersion: number;
  readonly loss: number | null;
  readonly durationMs: number;
}>;

export type GeneratorFineTuneSkipped = DomainEvent<'GeneratorFineTuneSkipped', {
  readonly experimentId: string;
  readonly cycle: number;
  readonly reason: 'noIteration';
}>;

export type CycleCompleted = DomainEvent<'CycleCompleted', {
  readonly experimentId: string;
  readonly cycle: number;
  readonly generated: number;
  readonly admitted: number;
  readonly corpusSize: number;
}>;

export type ExperimentCompleted = DomainEvent<'ExperimentCompleted', {
  readonly experimentId: string;
  readonly cycles: number;
}>;

export type ExperimentFailed = DomainEvent<'ExperimentFailed', {
  readonly experimentId: string;
  readonly reason: string;
}>;

export type JobClaimed = DomainEvent<'JobClaimed', {
  readonly jobId: string;
  readonly agentId: string;
  readonly attempt: number;
  /** Epoch ms after which another agent may re-claim the job. */
  readonly leaseUntil: number;
}>;

export type JobFailed = DomainEvent<'JobFailed', {
  readonly jobId: string;
  readonly agentId: string;
  readonly attempt: number;
  readonly reason: string;
}>;

export type ExperimentEvent =
  | ExperimentRegistered | CorpusSeeded | CycleStarted
  | GeneratorFineTuneRequested | GeneratorFineTuned | GeneratorFineTuneSkipped
  | CycleCompleted | ExperimentCompleted | ExperimentFailed;

export type CandidateEvent =
  | CandidateGenerated | CandidateRejected | CandidateEvaluated | NoveltyAssessed
  | CandidateAdmitted | CandidateNotAdmitted;

export type JobEvent = JobClaimed | JobFailed;

/** Reviews (domain/review) live on their own streams, `review-<reviewId>`; proxy studies (domain/study) on `study-<studyId>`. */
export type LedgerEvent = ExperimentEvent | CandidateEvent | JobEvent | ReviewEvent | ProxyStudyEvent;
export type LedgerEventType = LedgerEvent['type'];

/** Current schema version of each event type; the store's upcasters lift older versions to these. */
export const EVENT_SCHEMA_VERSIONS: Readonly<Record<LedgerEventType, number>> = {
  ExperimentRegistered: 2, CorpusSeeded: 1, CycleStarted: 1,
  GeneratorFineTuneRequested: 1, GeneratorFineTuned: 1, GeneratorFineTuneSkipped: 1,
  CycleCompleted: 1, ExperimentCompleted: 1, ExperimentFailed: 1,
  CandidateGenerated: 1, CandidateRejected: 1, CandidateEvaluated: 2, NoveltyAssessed: 1,
  CandidateAdmitted: 1, CandidateNotAdmitted: 1,
  JobClaimed: 1, JobFailed: 1,
  ReviewStarted: 1, CandidateReviewed: 1, ReviewCompleted: 1,
  ProxyStudyStarted: 1, FullTrainRecorded: 1, ProxyRerunRecorded: 1, ProxyStudyCompleted: 1,
};

export function isLedgerEventType(type: string): type is LedgerEventType {
  return Object.prototype.hasOwnProperty.call(EVENT_SCHEMA_VERSIONS, type);
}

export const streamIds = {
  experiment: (experimentId: string) => `experiment-${experimentId}`,
  candidate: (candidateId: string) => `candidate-${candidateId}`,
  job: (jobId: string) => `job-${jobId}`,
} as const;

export const candidateIdFor = (experimentId: string, cycle: number, index: number): string =>
  `${experimentId}.c${String(cycle).padStart(2, '0')}.${String(index).padStart(3, '0')}`;
