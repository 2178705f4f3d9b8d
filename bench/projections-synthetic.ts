/**
 * A synthetic ledger of any size for the projections benchmark: one experiment, C cycles, as many candidates per
 * cycle as it takes to reach the target number of events. Built straight as RecordedEvents so a million of them take
 * seconds, not the hours the real loop (or an append per event) would. The shapes are the catalog's; the numbers
 * follow the method paper's trend (valid rate 44% -> 62%, mean accuracy 0.28 -> 0.52).
 *
 * `realHashes: false` leaves placeholder hashes (projections never read them); `true` computes the store's own chain
 * (src/ledger/hash-chain.ts), so the events can be imported into a real store, which verifies it.
 */
import { contentHash, sha256Hex } from '../domain/shared/canonical-json';
import type { RecordedEvent } from '../domain/shared/event-envelope';
import { eventIdFor } from '../domain/shared/ids';
import { configHash, DEFAULT_CONFIG, type ExperimentConfig } from '../domain/experiment/config';
import { corpusHashOf } from '../domain/experiment/corpus';
import {
  candidateIdFor, EVENT_SCHEMA_VERSIONS, REJECTION_STAGES, streamIds, type CorpusEntry, type GeneratorRef, type LedgerEvent,
} from '../domain/experiment/events';
import { eventHash, GENESIS_HASH } from '../src/ledger/hash-chain';
import { mulberry32 } from '../domain/shared/rng';

export interface SyntheticLedgerOptions {
  readonly targetEvents: number;
  readonly cycles: number;
  readonly seed: number;
  readonly realHashes: boolean;
  readonly experimentId?: string;
  readonly seedCorpusSize?: number;
}

const SIGNATURE_POOL = 1024;
const FAMILIES = 24;

export function syntheticLedger(options: SyntheticLedgerOptions): RecordedEvent[] {
  const { cycles, seed } = options;
  const experimentId = options.experimentId ?? `bench-${seed}`;
  const rng = mulberry32(seed);
  // About 3.1 events per candidate (1 when rejected, 4 when valid, 44-62% valid) plus 4 per cycle.
  const candidatesPerCycle = Math.max(1, Math.floor((options.targetEvents - 2 - 4 * cycles) / cycles / 3.1));
  const config: ExperimentConfig = {
    ...DEFAULT_CONFIG, name: experimentId, cycles, candidatesPerCycle, dataset: 'cifar10',
    subset: null, threshold: 0.40, seed,
  };
  const signatures = signaturePool(rng);
  const code = 'import torch\nimport torch.nn as nn\n# synthetic architecture body shared by every candidate to keep memory flat\n';
  const out: RecordedEvent[] = [];
  const versions = new Map<string, number>();
  let prevHash = GENESIS_HASH;
  let clock = Date.parse('2026-01-01T00:00:00.000Z');
  const push = (streamId: string, event: LedgerEvent): void => {
    const streamVersion = versions.get(streamId) ?? 0;
    versions.set(streamId, streamVersion + 1);
    const globalPosition = out.length + 1;
    const commandId = `bench:${experimentId}:${globalPosition}`;
    const base = {
      eventId: eventIdFor(commandId, 0), type: event.type, schemaVersion: EVENT_SCHEMA_VERSIONS[event.type], data: event.data,
      metadata: { commandId, correlationId: experimentId, causationId: null, actor: 'bench', recordedAt: new Date(clock += 50).toISOString() },
      streamId, streamVersion, globalPosition,
    };
    const hash = options.realHashes ? eventHash(prevHash, base) : `synthetic-${globalPosition}`;
    out.push({ ...base, hash, prevHash });
    prevHash = hash;
  };
  const exp = streamIds.experiment(experimentId);

  push(exp, { type: 'ExperimentRegistered', data: { experimentId, name: experimentId, config, configHash: configHash(config) } });
  const seedEntries: CorpusEntry[] = Array.from({ length: options.seedCorpusSize ?? 200 }, (_, i) => {
    const entryCode = `${code}# seed ${i}\n`;
    return { entryId: `seed:model${i}`, name: `model${i}`, code: entryCode, codeHash: sha256Hex(entryCode), accuracy: 0.3 };
  });
  const corpus = seedEntries.map((e) => e.codeHash);
  push(exp, { type: 'CorpusSeeded', data: { experimentId, entries: seedEntries, corpusHash: corpusHashOf(corpus), source: 'bench' } });

  let generator: GeneratorRef = { id: 'sim', version: contentHash({ bench: seed, version: 0 }) };
  const dataset = { id: 'cifar10', contentHash: 'bench-dataset' };
  for (let cycle = 1; cycle <= cycles; cycle++) {
    const progress = 1 - Math.exp(-(cycle - 1) / 6);
    const validRate = 0.44 + 0.18 * progress;
    const meanAccuracy = 0.28 + 0.24 * progress;
    push(exp, { type: 'CycleStarted', data: { experimentId, cycle, generator, corpusSize: corpus.length, candidatesPlanned: candidatesPerCycle } });
    const ids: string[] = [];
    for (let index = 0; index < candidatesPerCycle; index++) {
      const candidateId = candidateIdFor(experimentId, cycle, index);
      ids.push(candidateId);
      push(streamIds.candidate(candidateId), {
        type: 'CandidateGenerated',
        data: {
          experimentId, cycle, candidateId, index, code, codeHash: `bench-${cycle}-${index}`, generator, promptHash: 'bench-prompt',
          decoding: { temperature: 0.2, topK: 50, topP: 0.9, maxNewTokens: 2048 }, seed: index, outputTokens: 500, parent: null,
        },
      });
    }
    let admitted = 0;
    for (const candidateId of ids) {
      const stream = streamIds.candidate(candidateId);
      if (rng() >= validRate) {
        const stage = REJECTION_STAGES[Math.floor(rng() * 8)]!;
        push(stream, { type: 'CandidateRejected', data: { experimentId, cycle, candidateId, stage, reason: 'bench', params: null, device: 'cpu' } });
        continue;
      }
      const accuracy = Math.round(Math.min(0.7, Math.max(0.1, meanAccuracy + 0.08 * gaussian(rng))) * 10_000) / 10_000;
      push(stream, {
        type: 'CandidateEvaluated',
        data: {
          experimentId, cycle, candidateId, accuracy, loss: 1.5, params: 100_000, dataset, protocolHash: 'bench-protocol', seed,
          device: 'cpu', libraries: { torch: '2.4.0' }, timings: { total: 4 }, structuralFingerprint: null,
        },
      });
      const jTrain = Math.round(rng() * 0.6 * 10_000) / 10_000;
      const nearDuplicate = rng() < 0.02;
      push(stream, {
        type: 'NoveltyAssessed',
        data: {
          experimentId, cycle, candidateId, jTrain, jGen: jTrain, nearestTrainId: null, nearestGenId: null, nearDupTextTrain: nearDuplicate,
          nearDupTextGen: false, rejectionCount: 0, structuralFingerprint: null, structuralDuplicateOf: null,
          signature: signatures[Math.floor(rng() * SIGNATURE_POOL)]!,
        },
      });
      if (accuracy >= config.threshold && !nearDuplicate) {
        admitted++;
        const codeHash = sha256Hex(candidateId);
        corpus.push(codeHash);
        push(stream, { type: 'CandidateAdmitted', data: { experimentId, cycle, candidateId, architectureId: `arch-${codeHash.slice(0, 12)}`, accuracy, codeHash } });
      } else {
        push(stream, { type: 'CandidateNotAdmitted', data: { experimentId, cycle, candidateId, reason: nearDuplicate ? 'near_duplicate' : 'below_threshold', accuracy } });
      }
    }
    push(exp, { type: 'GeneratorFineTuneRequested', data: { experimentId, cycle, from: generator, corpusVersion: corpus.length, corpusHash: corpusHashOf(corpus) } });
    const to: GeneratorRef = { id: generator.id, version: contentHash({ bench: seed, version: cycle }) };
    push(exp, { type: 'GeneratorFineTuned', data: { experimentId, cycle, from: generator, to, adapterHash: to.version, corpusVersion: corpus.length, loss: 1, durationMs: 1 } });
    generator = to;
    push(exp, { type: 'CycleCompleted', data: { experimentId, cycle, generated: candidatesPerCycle, admitted, corpusSize: corpus.length } });
  }
  push(exp, { type: 'ExperimentCompleted', data: { experimentId, cycles } });
  return out;
}

/** Signatures in families: members of a family share ~40% of their slots, so diversity is neither 0 nor 1. */
function signaturePool(rng: () => number): string[] {
  const families = Array.from({ length: FAMILIES }, () => Uint32Array.from({ length: 256 }, () => Math.floor(rng() * 2 ** 32)));
  return Array.from({ length: SIGNATURE_POOL }, () => {
    const family = families[Math.floor(rng() * FAMILIES)]!;
    const slots = Uint32Array.from(family, (v) => (rng() < 0.4 ? v : Math.floor(rng() * 2 ** 32)));
    return Buffer.from(slots.buffer).toString('base64');
  });
}


function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-12))) * Math.cos(2 * Math.PI * rng());
}
