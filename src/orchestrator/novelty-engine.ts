import type { NoveltyParameters } from '../../domain/experiment/config';
import { LexError } from '../../domain/novelty/python-lexer';
import { NOVELTY_INDEX_EVENT_TYPES, NoveltyIndex, type NoveltyAssessment } from '../../domain/novelty/novelty-index';

/**
 * The orchestrator's side of the paper's text-novelty check: one domain `NoveltyIndex` per experiment.
 *
 * The index is a fold of the experiment's ledger events (CorpusSeeded, CycleStarted, NoveltyAssessed,
 * CandidateAdmitted, CandidateNotAdmitted): `take` applies each one as the orchestrator's view takes it in, so a
 * restarted orchestrator that re-reads the log has exactly the index the crashed one had. Verdicts come from
 * `NoveltyIndex.assess`: J_train over the corpus (seeds by entryId, admitted candidates by architectureId), J_gen
 * over every candidate generated earlier in the same cycle (rejected ones are noted by `noteRejected`), and the
 * cycle's running rejection count. Below 20k rows
 * the index scans every signature, so the maxima are exact.
 *
 * `assess` records the candidate in the index before its NoveltyAssessed event is appended; if that append does
 * not happen, the caller calls `discardUnrecorded` and the index is rebuilt from the events on the next use.
 */
/** What the orchestrator records of an assessment: the text-novelty figures and verdicts, and the signature. */
export type NoveltyVerdict = Pick<NoveltyAssessment,
  'jTrain' | 'jGen' | 'nearestTrainId' | 'nearestGenId' | 'nearDupTextTrain' | 'nearDupTextGen' | 'rejectionCount' | 'signature'>;

type IndexEvent = { readonly type: string; readonly data: unknown };

const INDEX_EVENT_TYPES: ReadonlySet<string> = new Set(NOVELTY_INDEX_EVENT_TYPES);

export class NoveltyEngine {
  /** The experiment's events the index folds, in log order: what a rebuild replays. */
  private readonly events: IndexEvent[] = [];
  private index: NoveltyIndex | null = null;
  /** Signatures (or the LexError) of candidates' source, by candidate id: each program is tokenized once. */
  private readonly signed = new Map<string, Uint32Array | LexError>();

  constructor(private readonly parameters: NoveltyParameters) {}

  /** Folds one of this experiment's recorded events (other types are ignored). */
  take(event: IndexEvent): void {
    if (!INDEX_EVENT_TYPES.has(event.type)) return;
    this.events.push(event);
    this.index?.apply(event);
  }

  /** The index, rebuilt from the events taken so far when there is none yet (first use, or after a discard). */
  private current(): NoveltyIndex {
    if (!this.index) {
      const index = new NoveltyIndex(this.parameters);
      for (const event of this.events) index.apply(event);
      this.index = index;
    }
    return this.index;
  }

  /**
   * The candidate's signature, or the LexError its source raises. LexError is how NoveltyIndex reports source
   * it cannot tokenize; the loop records such a candidate as a rejection at stage 'parse' (docs/novelty.md,
   * "bad source") instead of signing it as an empty program.
   */
  signatureOf(candidateId: string, code: string): Uint32Array | LexError {
    let result = this.signed.get(candidateId);
    if (result === undefined) {
      try {
        result = this.current().signer.sign(code).signature;
      } catch (error) {
        if (!(error instanceof LexError)) throw error;
        result = error;
      }
      this.signed.set(candidateId, result);
    }
    return result;
  }

  /** The verdict for a candidate, in generation order; it is recorded in the index as generated in its cycle. */
  assess(candidateId: string, cycle: number, signature: Uint32Array, structuralFingerprint: string | null): NoveltyVerdict {
    const a = this.current().assess(candidateId, cycle, signature, structuralFingerprint);
    return {
      jTrain: a.jTrain, jGen: a.jGen, nearestTrainId: a.nearestTrainId, nearestGenId: a.nearestGenId,
      nearDupTextTrain: a.nearDupTextTrain, nearDupTextGen: a.nearDupTextGen, rejectionCount: a.rejectionCount, signature: a.signature,
    };
  }

  /**
   * Counts an earlier, rejected candidate of the cycle among the generated ones for J_gen. Source that does not
   * lex has no tokens to compare and is left out. Idempotent; after a rebuild the caller notes it again.
   */
  noteRejected(candidateId: string, cycle: number, code: string): void {
    const signature = this.signatureOf(candidateId, code);
    if (signature instanceof LexError) return;
    this.current().noteGenerated(candidateId, cycle, signature);
  }

  /** Forgets what `assess` recorded without a NoveltyAssessed event to back it: the next use rebuilds from the events. */
  discardUnrecorded(): void {
    this.index = null;
  }
}
