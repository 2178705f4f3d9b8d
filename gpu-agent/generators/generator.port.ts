import type { CorpusEntry, DecodingParameters, GeneratorRef } from '../../domain/experiment/events';

export const GENERATOR = Symbol('GENERATOR');

/** What a generator is asked to write for. */
export interface GenerationContext {
  readonly dataset: string;
  readonly parameterBudget: number;
  /** Delta mode: propose unified diffs against parents drawn from `corpus`. */
  readonly delta: boolean;
  /** The current corpus (seed + admitted), in ledger order; delta parents come from here. */
  readonly corpus: readonly CorpusEntry[];
}

/** Why a generated output never became a program: recorded as a CandidateRejected at that stage. */
export interface GenerationFailure {
  readonly stage: 'parse' | 'diff-apply';
  readonly reason: string;
}

export interface GeneratedProgram {
  /** 0-based position in this generate call: the candidate index. */
  readonly index: number;
  /** The resolved full program; on failure, the raw output that could not be resolved. */
  readonly code: string;
  readonly codeHash: string;
  readonly promptHash: string;
  readonly decoding: DecodingParameters;
  /** Tokens the generator emitted (the diff's, in delta mode). */
  readonly outputTokens: number;
  readonly parent: { readonly entryId: string; readonly diff: string } | null;
  readonly generator: GeneratorRef;
  readonly failure: GenerationFailure | null;
}

export interface FineTuneResult {
  /** The new generator version (content hash of its parameters). */
  readonly to: GeneratorRef;
  /** Hash of the stored artifact (grammar θ file, LoRA adapter directory). */
  readonly adapterHash: string;
  readonly loss: number | null;
  readonly durationMs: number;
  /** Corpus entries the update could use (the grammar skips programs it did not write). */
  readonly used: number;
}

/**
 * One interface for every generator: the built-in grammar, a local LLM with LoRA, an OpenAI-compatible
 * endpoint. An instance is one version; fineTune returns the next version, which `createGenerator` loads.
 * Same version, seed and context: same programs (LLM endpoints only as far as the server is deterministic).
 */
export interface Generator {
  readonly ref: GeneratorRef;
  generate(n: number, seed: number, context: GenerationContext): Promise<GeneratedProgram[]>;
  fineTune(corpusVersion: number, entries: readonly CorpusEntry[]): Promise<FineTuneResult>;
  close?(): Promise<void>;
}
