import type { NoveltyParameters } from '../experiment/config';
import type { CorpusEntry } from '../experiment/events';
import { canonicalJson } from '../shared/canonical-json';
import { LedgerError } from '../shared/ledger-error';
import { optimalBands, type BandParameters } from './lsh-parameters';
import { SignatureSet, type NearestHit, type Retrieval } from './lsh-index';
import { decodeSignature, encodeSignature } from './minhash';
import { TextSigner } from './text-signature';

/**
 * Below this many rows J_train / J_gen are exact maxima from a scan of all signatures (about 16 ms at 20k rows on a
 * loaded 2-core machine: nothing next to training a candidate);
 * at or above it they come from LSH candidates only. The scan matters: with the paper's 0.85 banding (b = 13,
 * r = 19) LSH retrieves a pair at J = 0.90 with probability 0.85 only (0.998 at J = 0.95).
 */
export const DEFAULT_EXACT_SCAN_BELOW = 20_000;

export interface NoveltyAssessment {
  readonly candidateId: string;
  readonly cycle: number;
  /** Max estimated Jaccard over the corpus (seed + admitted); 0 when the corpus is empty or LSH finds nothing. */
  readonly jTrain: number;
  /** Max estimated Jaccard over candidates assessed earlier in this cycle; 0 for the cycle's first. */
  readonly jGen: number;
  readonly nearestTrainId: string | null;
  readonly nearestGenId: string | null;
  /** J > tau (strictly), as the paper defines a near-duplicate. */
  readonly nearDupTextTrain: boolean;
  readonly nearDupTextGen: boolean;
  /** Near-duplicates flagged in this cycle up to and including this candidate. */
  readonly rejectionCount: number;
  readonly structuralFingerprint: string | null;
  /** An admitted entry or an earlier candidate of this cycle with the same structural fingerprint. */
  readonly structuralDuplicateOf: string | null;
  /** base64 of the signature (NoveltyAssessed.signature). */
  readonly signature: string;
  /** How J_train was found: an exact scan (small corpus) or LSH candidates. */
  readonly retrieval: Retrieval;
}

export interface NoveltyIndexSnapshot {
  readonly version: 1;
  readonly params: NoveltyParameters;
  readonly exactScanBelow: number;
  readonly corpus: { readonly ids: string[]; readonly signatures: string };
  readonly cycle: number | null;
  readonly generated: { readonly ids: string[]; readonly signatures: string };
  readonly rejectionCount: number;
  readonly pending: { readonly candidateId: string; readonly signature: string; readonly fingerprint: string | null }[];
  readonly structural: [string, string][];
  readonly generatedStructural: [string, string][];
  readonly unsignedSeeds: { readonly entryId: string; readonly reason: string }[];
}

/** The subset of ledger events the index folds over (the catalog's types, structurally). */
export type NoveltyIndexEvent =
  | { readonly type: 'CorpusSeeded'; readonly data: { readonly entries: readonly CorpusEntry[] } }
  | { readonly type: 'CycleStarted'; readonly data: { readonly cycle: number } }
  | { readonly type: 'NoveltyAssessed'; readonly data: { readonly cycle: number; readonly candidateId: string; readonly rejectionCount: number; readonly signature: string; readonly structuralFingerprint: string | null } }
  | { readonly type: 'CandidateAdmitted'; readonly data: { readonly candidateId: string; readonly architectureId: string } }
  | { readonly type: 'CandidateNotAdmitted'; readonly data: { readonly candidateId: string } };

export const NOVELTY_INDEX_EVENT_TYPES = ['CorpusSeeded', 'CycleStarted', 'NoveltyAssessed', 'CandidateAdmitted', 'CandidateNotAdmitted'] as const;

/**
 * The paper's per-candidate novelty quantities over a corpus that grows as candidates are admitted. Deterministic:
 * folding the same events (apply) gives the same index, and toSnapshot/fromSnapshot round-trips it without
 * re-hashing any source. Corpus entries are keyed by CorpusEntry.entryId for seeds and by
 * CandidateAdmitted.architectureId for admitted candidates.
 */
export class NoveltyIndex {
  readonly signer: TextSigner;
  readonly bands: BandParameters;
  private corpus: SignatureSet;
  private generated: SignatureSet;
  private cycle: number | null = null;
  private rejectionCount = 0;
  private readonly pending = new Map<string, { signature: Uint32Array; fingerprint: string | null }>();
  private readonly structural = new Map<string, string>();
  private generatedStructural = new Map<string, string>();
  private readonly unsignedSeeds: { entryId: string; reason: string }[] = [];

  constructor(readonly params: NoveltyParameters, readonly exactScanBelow = DEFAULT_EXACT_SCAN_BELOW) {
    if (!(params.nearDuplicateTau > 0 && params.nearDuplicateTau <= 1)) {
      throw new LedgerError('BAD_INPUT', `novelty.nearDuplicateTau must be in (0, 1], got ${params.nearDuplicateTau}`, 'The paper uses 0.90.');
    }
    this.signer = new TextSigner(params);
    this.bands = optimalBands(params.lshThreshold, params.permutations);
    this.corpus = this.newSet();
    this.generated = this.newSet();
  }

  private newSet(): SignatureSet {
    return new SignatureSet(this.params.permutations, this.bands.bands, this.bands.rows, this.exactScanBelow);
  }

  get corpusSize(): number {
    return this.corpus.size;
  }

  get currentCycle(): number | null {
    return this.cycle;
  }

  /** Seeds whose code did not tokenize: they stay out of the index (reported, never silently dropped). */
  get skippedSeeds(): readonly { entryId: string; reason: string }[] {
    return this.unsignedSeeds;
  }

  addCorpusEntry(entryId: string, signature: Uint32Array, fingerprint: string | null = null): void {
    this.checkLength(signature);
    this.corpus.add(entryId, signature);
    if (fingerprint !== null && !this.structural.has(fingerprint)) this.structural.set(fingerprint, entryId);
  }

  seedCorpus(entries: readonly CorpusEntry[]): void {
    for (const entry of entries) {
      if (this.corpus.has(entry.entryId)) continue;
      try {
        this.addCorpusEntry(entry.entryId, this.signer.sign(entry.code).signature);
      } catch (error) {
        if (!(error instanceof LedgerError)) throw error;
        this.unsignedSeeds.push({ entryId: entry.entryId, reason: error.message });
      }
    }
  }

  /** Starts a cycle: J_gen and the rejection count restart from nothing. */
  startCycle(cycle: number): void {
    if (this.cycle === cycle) return;
    if (this.cycle !== null && cycle < this.cycle) {
      throw new LedgerError('CONFLICT', `novelty index is at cycle ${this.cycle}; cannot go back to cycle ${cycle}`,
        'Rebuild the index from the events (NoveltyIndex.apply) instead of re-assessing an old cycle.');
    }
    this.cycle = cycle;
    this.generated = this.newSet();
    this.generatedStructural = new Map();
    this.rejectionCount = 0;
  }

  /**
   * Assesses a candidate (in generation order) and records it as generated in its cycle. `input` is its source
   * (tokenized here; a LexError propagates for the caller to record as a rejection) or an existing signature.
   */
  assess(candidateId: string, cycle: number, input: string | Uint32Array, structuralFingerprint: string | null = null): NoveltyAssessment {
    const signature = typeof input === 'string' ? this.signer.sign(input).signature : input;
    this.checkLength(signature);
    this.startCycle(cycle);
    if (this.generated.has(candidateId)) {
      throw new LedgerError('CONFLICT', `candidate ${candidateId} was already assessed in cycle ${cycle}`,
        'Each candidate is assessed once; read its NoveltyAssessed event instead.');
    }
    const tau = this.params.nearDuplicateTau;
    const train = this.corpus.nearest(signature);
    const gen = this.generated.nearest(signature);
    const jTrain = train.best?.jaccard ?? 0;
    const jGen = gen.best?.jaccard ?? 0;
    const nearDupTextTrain = jTrain > tau;
    const nearDupTextGen = jGen > tau;
    if (nearDupTextTrain || nearDupTextGen) this.rejectionCount++;
    const structuralDuplicateOf = structuralFingerprint === null ? null
      : this.structural.get(structuralFingerprint) ?? this.generatedStructural.get(structuralFingerprint) ?? null;
    this.recordGenerated(candidateId, signature, structuralFingerprint);
    return {
      candidateId, cycle, jTrain, jGen,
      nearestTrainId: train.best?.id ?? null,
      nearestGenId: gen.best?.id ?? null,
      nearDupTextTrain, nearDupTextGen,
      rejectionCount: this.rejectionCount,
      structuralFingerprint, structuralDuplicateOf,
      signature: encodeSignature(signature),
      retrieval: train.retrieval,
    };
  }

  /**
   * Records a candidate that was generated in this cycle but never assessed (rejected before novelty), so that
   * J_gen of later candidates is the max over every candidate generated earlier in the cycle, as the paper defines
   * it. It does not count as a rejection and is never admitted.
   */
  noteGenerated(candidateId: string, cycle: number, input: string | Uint32Array): void {
    const signature = typeof input === 'string' ? this.signer.sign(input).signature : input;
    this.checkLength(signature);
    this.startCycle(cycle);
    if (this.generated.has(candidateId)) return;
    this.generated.add(candidateId, signature);
  }

  private recordGenerated(candidateId: string, signature: Uint32Array, fingerprint: string | null): void {
    this.generated.add(candidateId, signature);
    if (fingerprint !== null && !this.generatedStructural.has(fingerprint)) this.generatedStructural.set(fingerprint, candidateId);
    this.pending.set(candidateId, { signature, fingerprint });
  }

  /** Adds an assessed candidate to the corpus under its corpus entry id. */
  admit(candidateId: string, entryId: string): void {
    const p = this.pending.get(candidateId);
    if (!p) {
      throw new LedgerError('NOT_FOUND', `candidate ${candidateId} has no novelty assessment to admit`,
        'Assess the candidate (NoveltyAssessed) before admitting it.');
    }
    this.addCorpusEntry(entryId, p.signature, p.fingerprint);
    this.pending.delete(candidateId);
  }

  /** Whether an assessed candidate's signature is waiting for its admission decision. */
  hasPending(candidateId: string): boolean {
    return this.pending.has(candidateId);
  }

  /** Forgets the signature kept for a candidate that will not be admitted (CandidateNotAdmitted). */
  release(candidateId: string): void {
    this.pending.delete(candidateId);
  }

  /** Folds one ledger event; other event types are ignored. */
  apply(event: { readonly type: string; readonly data: unknown }): void {
    const e = event as NoveltyIndexEvent;
    switch (e.type) {
      case 'CorpusSeeded': this.seedCorpus(e.data.entries); return;
      case 'CycleStarted': this.startCycle(e.data.cycle); return;
      case 'NoveltyAssessed': {
        this.startCycle(e.data.cycle);
        if (this.generated.has(e.data.candidateId)) return;
        this.recordGenerated(e.data.candidateId, decodeSignature(e.data.signature, this.params.permutations), e.data.structuralFingerprint);
        this.rejectionCount = e.data.rejectionCount;
        return;
      }
      case 'CandidateAdmitted':
        if (this.pending.has(e.data.candidateId)) this.admit(e.data.candidateId, e.data.architectureId);
        return;
      case 'CandidateNotAdmitted': this.release(e.data.candidateId); return;
      default: {
        const other: never = e;
        void other;
      }
    }
  }

  /** The `limit` corpus entries most similar to `signature` (exact scan). */
  nearestInCorpus(signature: Uint32Array, limit: number): NearestHit[] {
    this.checkLength(signature);
    return this.corpus.top(signature, limit);
  }

  toSnapshot(): NoveltyIndexSnapshot {
    const pack = (set: SignatureSet) => {
      const entries = set.entries();
      const all = new Uint32Array(entries.length * this.params.permutations);
      entries.forEach((e, i) => all.set(e.signature, i * this.params.permutations));
      return { ids: entries.map((e) => e.id), signatures: entries.length ? encodeSignature(all) : '' };
    };
    return {
      version: 1,
      params: this.params,
      exactScanBelow: this.exactScanBelow,
      corpus: pack(this.corpus),
      cycle: this.cycle,
      generated: pack(this.generated),
      rejectionCount: this.rejectionCount,
      pending: [...this.pending].map(([candidateId, p]) => ({ candidateId, signature: encodeSignature(p.signature), fingerprint: p.fingerprint })),
      structural: [...this.structural],
      generatedStructural: [...this.generatedStructural],
      unsignedSeeds: [...this.unsignedSeeds],
    };
  }

  static fromSnapshot(snapshot: NoveltyIndexSnapshot, params?: NoveltyParameters): NoveltyIndex {
    if (snapshot.version !== 1) {
      throw new LedgerError('INTEGRITY', `unknown novelty index snapshot version ${String(snapshot.version)}`, 'Rebuild the index from the events.');
    }
    if (params && canonicalJson(params) !== canonicalJson(snapshot.params)) {
      throw new LedgerError('CONFLICT', 'novelty index snapshot was built with other novelty parameters', 'Rebuild the index from the events.');
    }
    const index = new NoveltyIndex(snapshot.params, snapshot.exactScanBelow);
    const p = snapshot.params.permutations;
    const unpack = (packed: { ids: string[]; signatures: string }, into: (id: string, sig: Uint32Array) => void) => {
      if (packed.ids.length === 0) return;
      const all = decodeSignature(packed.signatures, packed.ids.length * p);
      packed.ids.forEach((id, i) => into(id, all.subarray(i * p, (i + 1) * p)));
    };
    unpack(snapshot.corpus, (id, sig) => index.corpus.add(id, sig));
    index.cycle = snapshot.cycle;
    unpack(snapshot.generated, (id, sig) => index.generated.add(id, sig));
    index.rejectionCount = snapshot.rejectionCount;
    for (const e of snapshot.pending) index.pending.set(e.candidateId, { signature: decodeSignature(e.signature, p), fingerprint: e.fingerprint });
    for (const [fp, id] of snapshot.structural) index.structural.set(fp, id);
    for (const [fp, id] of snapshot.generatedStructural) index.generatedStructural.set(fp, id);
    index.unsignedSeeds.push(...snapshot.unsignedSeeds);
    return index;
  }

  private checkLength(signature: Uint32Array): void {
    if (signature.length !== this.params.permutations) {
      throw new LedgerError('BAD_INPUT', `signature has ${signature.length} slots, the index uses ${this.params.permutations}`,
        'Sign with the same novelty parameters as the experiment.');
    }
  }
}
