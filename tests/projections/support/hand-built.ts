/**
 * A tiny hand-built ledger whose figures are worked out by hand in the specs: two experiments' worth of events
 * typed against the catalog, turned into RecordedEvents by the shared fixture helper.
 */
import { sha256Hex } from '../../../domain/shared/canonical-json';
import type { RecordedEvent } from '../../../domain/shared/event-envelope';
import { configHash, DEFAULT_CONFIG, type ExperimentConfig } from '../../../domain/experiment/config';
import { streamIds, type GeneratorRef, type LedgerEvent, type RejectionStage } from '../../../domain/experiment/events';
import { corpusHashOf } from '../../../domain/experiment/corpus';
import { toRecordedEvents, type HistoryEvent } from '../../support/ledger-fixtures';

export const EXP = 'exp-hand';
export const TAU = 0.5;

/** Signature whose slots k < same equal `k`, the rest unique to `tag`: J(a, b) = min(same_a, same_b) / 256. */
export function signature(same: number, tag: number): string {
  const slots = new Uint32Array(256);
  for (let k = 0; k < 256; k++) slots[k] = k < same ? k : tag * 1000 + k;
  return Buffer.from(slots.buffer).toString('base64');
}

export class LedgerBuilder {
  readonly events: HistoryEvent[] = [];
  readonly config: ExperimentConfig;

  constructor(readonly experimentId = EXP, threshold = TAU) {
    this.config = { ...DEFAULT_CONFIG, name: experimentId, cycles: 3, candidatesPerCycle: 5, threshold };
  }

  private exp(event: LedgerEvent): this {
    this.events.push({ streamId: streamIds.experiment(this.experimentId), event });
    return this;
  }

  private cand(candidateId: string, event: LedgerEvent): this {
    this.events.push({ streamId: streamIds.candidate(candidateId), event });
    return this;
  }

  register(): this {
    return this.exp({ type: 'ExperimentRegistered', data: { experimentId: this.experimentId, name: this.experimentId, config: this.config, configHash: configHash(this.config) } });
  }

  seed(names: readonly string[]): this {
    const entries = names.map((name) => ({ entryId: `seed:${name}`, name, code: `# ${name}`, codeHash: sha256Hex(`# ${name}`), accuracy: 0.3 }));
    return this.exp({ type: 'CorpusSeeded', data: { experimentId: this.experimentId, entries, corpusHash: corpusHashOf(entries.map((e) => e.codeHash)), source: 'hand' } });
  }

  start(cycle: number, generator: GeneratorRef, corpusSize: number): this {
    return this.exp({ type: 'CycleStarted', data: { experimentId: this.experimentId, cycle, generator, corpusSize, candidatesPlanned: 5 } });
  }

  id(cycle: number, index: number): string {
    return `${this.experimentId}.c${cycle}.${index}`;
  }

  generate(cycle: number, index: number, generator: GeneratorRef, parent: string | null = null): this {
    const candidateId = this.id(cycle, index);
    return this.cand(candidateId, {
      type: 'CandidateGenerated',
      data: {
        experimentId: this.experimentId, cycle, candidateId, index, code: `# ${candidateId}`, codeHash: codeHashOf(candidateId), generator,
        promptHash: 'p', decoding: { temperature: 0.2, topK: 50, topP: 0.9, maxNewTokens: 2048 }, seed: index, outputTokens: 10,
        parent: parent === null ? null : { entryId: parent, diff: '--- a\n+++ b' },
      },
    });
  }

  reject(cycle: number, index: number, stage: RejectionStage): this {
    const candidateId = this.id(cycle, index);
    return this.cand(candidateId, { type: 'CandidateRejected', data: { experimentId: this.experimentId, cycle, candidateId, stage, reason: 'hand', params: null, device: null } });
  }

  evaluate(cycle: number, index: number, accuracy: number): this {
    const candidateId = this.id(cycle, index);
    return this.cand(candidateId, {
      type: 'CandidateEvaluated',
      data: {
        experimentId: this.experimentId, cycle, candidateId, accuracy, loss: 1, params: 1000, dataset: { id: 'd', contentHash: 'h' }, protocolHash: 'ph',
        seed: 1, device: 'cpu', libraries: {}, timings: {}, structuralFingerprint: null,
      },
    });
  }

  novelty(cycle: number, index: number, jTrain: number, sig: string): this {
    const candidateId = this.id(cycle, index);
    return this.cand(candidateId, {
      type: 'NoveltyAssessed',
      data: {
        experimentId: this.experimentId, cycle, candidateId, jTrain, jGen: 0, nearestTrainId: null, nearestGenId: null, nearDupTextTrain: false,
        nearDupTextGen: false, rejectionCount: 0, structuralFingerprint: null, structuralDuplicateOf: null, signature: sig,
      },
    });
  }

  admit(cycle: number, index: number, accuracy: number): this {
    const candidateId = this.id(cycle, index);
    return this.cand(candidateId, {
      type: 'CandidateAdmitted',
      data: { experimentId: this.experimentId, cycle, candidateId, architectureId: architectureIdOf(candidateId), accuracy, codeHash: codeHashOf(candidateId) },
    });
  }

  notAdmit(cycle: number, index: number, accuracy: number): this {
    const candidateId = this.id(cycle, index);
    return this.cand(candidateId, { type: 'CandidateNotAdmitted', data: { experimentId: this.experimentId, cycle, candidateId, reason: 'below_threshold', accuracy } });
  }

  fineTune(cycle: number, from: GeneratorRef, to: GeneratorRef, corpusCodeHashes: readonly string[]): this {
    const corpusVersion = corpusCodeHashes.length;
    this.exp({ type: 'GeneratorFineTuneRequested', data: { experimentId: this.experimentId, cycle, from, corpusVersion, corpusHash: corpusHashOf(corpusCodeHashes) } });
    return this.exp({ type: 'GeneratorFineTuned', data: { experimentId: this.experimentId, cycle, from, to, adapterHash: to.version, corpusVersion, loss: 0.5, durationMs: 10 } });
  }

  complete(cycle: number, generated: number, admitted: number, corpusSize: number): this {
    return this.exp({ type: 'CycleCompleted', data: { experimentId: this.experimentId, cycle, generated, admitted, corpusSize } });
  }

  recorded(firstPosition = 1): RecordedEvent[] {
    return toRecordedEvents({ experimentId: this.experimentId, config: this.config, events: this.events }, { firstPosition });
  }
}

export const codeHashOf = (candidateId: string): string => sha256Hex(`# ${candidateId}`);
export const architectureIdOf = (candidateId: string): string => `arch-${codeHashOf(candidateId).slice(0, 12)}`;
export const seedHashOf = (name: string): string => sha256Hex(`# ${name}`);

export const G0: GeneratorRef = { id: 'grammar', version: 'v0' };
export const G1: GeneratorRef = { id: 'grammar', version: 'v1' };
export const G2: GeneratorRef = { id: 'grammar', version: 'v2' };

/**
 * Cycle 1 (τ = 0.5): 5 generated; rejected at parse and budget; accuracies 0.4, 0.6, 0.8 with J_train 0.2, 0.5,
 * 0.1 and signatures sharing 256, 128 and 64 leading slots; 0.6 and 0.8 admitted. Seed corpus of 2.
 * Cycle 2 is still running: 2 generated, one evaluated at 0.7.
 */
export function handBuiltLedger(): LedgerBuilder {
  const b = new LedgerBuilder().register().seed(['alpha', 'beta']).start(1, G0, 2);
  for (let i = 0; i < 5; i++) b.generate(1, i, G0);
  b.reject(1, 0, 'parse').reject(1, 1, 'budget')
    .evaluate(1, 2, 0.4).novelty(1, 2, 0.2, signature(256, 2)).notAdmit(1, 2, 0.4)
    .evaluate(1, 3, 0.6).novelty(1, 3, 0.5, signature(128, 3)).admit(1, 3, 0.6)
    .evaluate(1, 4, 0.8).novelty(1, 4, 0.1, signature(64, 4)).admit(1, 4, 0.8)
    .fineTune(1, G0, G1, [seedHashOf('alpha'), seedHashOf('beta'), codeHashOf(b.id(1, 3)), codeHashOf(b.id(1, 4))])
    .complete(1, 5, 2, 4)
    .start(2, G1, 4).generate(2, 0, G1, architectureIdOf(b.id(1, 3))).generate(2, 1, G1)
    .evaluate(2, 0, 0.7);
  return b;
}
