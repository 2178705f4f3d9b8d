/**
 * Realistic, deterministic event histories for projection, time-travel and benchmark tests, until the loop itself
 * writes real ones. The same seed always gives the same events; each cycle draws from its own seeded generator,
 * so a history of C cycles is a prefix of one of C + k cycles from the same seed (except the final
 * ExperimentRegistered config.cycles and ExperimentCompleted).
 *
 * Order per cycle: CycleStarted, CandidateGenerated ×N, then per candidate CandidateRejected | (CandidateEvaluated,
 * NoveltyAssessed, CandidateAdmitted | CandidateNotAdmitted), GeneratorFineTuneRequested, GeneratorFineTuned
 * (or GeneratorFineTuneSkipped under the no-iteration ablation after cycle 1), CycleCompleted.
 */
import { contentHash, sha256Hex } from '../../domain/shared/canonical-json';
import { eventIdFor } from '../../domain/shared/ids';
import type { NewEvent, RecordedEvent } from '../../domain/shared/event-envelope';
import {
  candidateIdFor, EVENT_SCHEMA_VERSIONS, streamIds,
  type CandidateEvent, type CorpusEntry, type ExperimentEvent, type GeneratorRef, type LedgerEvent, type RejectionStage,
} from '../../domain/experiment/events';
import { corpusHashOf } from '../../domain/experiment/corpus';
import { configHash, DEFAULT_CONFIG, type AblationSwitches, type ExperimentConfig } from '../../domain/experiment/config';
import { mulberry32 } from '../../domain/shared/rng';

export interface HistoryOptions {
  readonly cycles: number;
  readonly candidatesPerCycle: number;
  readonly seed: number;
  /** Default `exp-<seed>`. */
  readonly experimentId?: string;
  readonly ablations?: Partial<AblationSwitches>;
  /** Append ExperimentCompleted at the end (default true). */
  readonly complete?: boolean;
  /** Number of seed corpus entries (default 5). */
  readonly seedCorpusSize?: number;
}

export interface HistoryEvent {
  readonly streamId: string;
  readonly event: LedgerEvent;
}

export interface ExperimentHistory {
  readonly experimentId: string;
  readonly config: ExperimentConfig;
  readonly events: readonly HistoryEvent[];
}

const SIGNATURE_SLOTS = 256;
const REJECTION_WEIGHTS: ReadonlyArray<readonly [RejectionStage, number]> = [
  ['parse', 0.10], ['policy', 0.05], ['instantiate', 0.15], ['contract', 0.10],
  ['budget', 0.15], ['forward', 0.25], ['train', 0.15], ['timeout', 0.05],
];

export function buildExperimentHistory(options: HistoryOptions): ExperimentHistory {
  const { cycles, candidatesPerCycle, seed } = options;
  if (!Number.isInteger(cycles) || cycles < 0) throw new Error(`cycles must be a non-negative integer, got ${cycles}`);
  if (!Number.isInteger(candidatesPerCycle) || candidatesPerCycle < 1) throw new Error('candidatesPerCycle must be >= 1');
  const experimentId = options.experimentId ?? `exp-${seed}`;
  const config: ExperimentConfig = {
    ...DEFAULT_CONFIG,
    name: experimentId,
    cycles,
    candidatesPerCycle,
    dataset: 'cifar10',
    subset: null,
    threshold: 0.40,
    seed,
    ablations: { ...DEFAULT_CONFIG.ablations, ...options.ablations },
  };
  const out: HistoryEvent[] = [];
  const expStream = streamIds.experiment(experimentId);
  const pushExp = (event: ExperimentEvent) => out.push({ streamId: expStream, event });
  const pushCand = (candidateId: string, event: CandidateEvent) =>
    out.push({ streamId: streamIds.candidate(candidateId), event });

  pushExp({ type: 'ExperimentRegistered', data: { experimentId, name: experimentId, config, configHash: configHash(config), group: null } });

  const setupRng = mulberry32(hashSeed(seed, 0));
  const seedEntries: CorpusEntry[] = [];
  const baseSignatures: Uint32Array[] = [];
  for (let i = 0; i < (options.seedCorpusSize ?? 5); i++) {
    const code = architectureCode(`Seed${i}`, 16 + 8 * i, 2 + (i % 3));
    seedEntries.push({ entryId: `seed:model${i}`, name: `model${i}`, code, codeHash: sha256Hex(code), accuracy: round4(0.30 + 0.03 * i) });
    baseSignatures.push(randomSignature(setupRng));
  }
  const corpusHashes = seedEntries.map((e) => e.codeHash);
  pushExp({
    type: 'CorpusSeeded',
    data: { experimentId, entries: seedEntries, corpusHash: corpusHashOf(corpusHashes), source: 'fixture:lemur-like' },
  });

  let generator: GeneratorRef = { id: 'grammar', version: contentHash({ generator: 'grammar', seed, version: 0 }) };
  const dataset = { id: 'cifar10', contentHash: contentHash({ dataset: 'cifar10' }) };
  const protocolHash = contentHash({ protocol: 'fast', epochs: 1 });

  for (let cycle = 1; cycle <= cycles; cycle++) {
    const rng = mulberry32(hashSeed(seed, cycle));
    const progress = 1 - Math.exp(-(cycle - 1) / 6);
    const validRate = 0.44 + 0.18 * progress;
    const meanAccuracy = 0.28 + 0.24 * progress;
    const mutation = 0.85 - 0.35 * progress; // later generators stay closer to their templates: diversity falls
    const corpusAtStart = corpusHashes.length;
    pushExp({
      type: 'CycleStarted',
      data: { experimentId, cycle, generator, corpusSize: corpusAtStart, candidatesPlanned: candidatesPerCycle },
    });

    interface Draft { id: string; code: string; codeHash: string; base: number; signature: Uint32Array; width: number; depth: number }
    const drafts: Draft[] = [];
    for (let index = 0; index < candidatesPerCycle; index++) {
      const candidateId = candidateIdFor(experimentId, cycle, index);
      const base = Math.floor(rng() * baseSignatures.length);
      const nearCopy = rng() < 0.08;
      const width = nearCopy ? 16 + 8 * base : 8 * (1 + Math.floor(rng() * 12));
      const depth = nearCopy ? 2 + (base % 3) : 1 + Math.floor(rng() * 5);
      const code = nearCopy ? seedEntries[base]!.code : architectureCode(`Net_c${cycle}_${index}`, width, depth);
      const signature = mutateSignature(baseSignatures[base]!, nearCopy ? 0.03 : mutation, rng);
      drafts.push({ id: candidateId, code, codeHash: sha256Hex(code), base, signature, width, depth });
      pushCand(candidateId, {
        type: 'CandidateGenerated',
        data: {
          experimentId, cycle, candidateId, index, code, codeHash: sha256Hex(code), generator,
          promptHash: contentHash({ prompt: 'fixed-template-v1' }),
          decoding: { temperature: 0.2, topK: 50, topP: 0.9, maxNewTokens: 2048 },
          seed: seed * 1000 + cycle * 100 + index,
          outputTokens: 300 + Math.floor(rng() * 700),
          parent: null,
        },
      });
    }

    let admitted = 0;
    let rejectionCount = 0;
    const earlier: Draft[] = [];
    for (const draft of drafts) {
      const candidateId = draft.id;
      if (rng() >= validRate) {
        pushCand(candidateId, {
          type: 'CandidateRejected',
          data: {
            experimentId, cycle, candidateId, stage: pickWeighted(REJECTION_WEIGHTS, rng),
            reason: 'fixture: simulated failure', params: null, device: 'cpu',
          },
        });
        earlier.push(draft);
        continue;
      }
      const accuracy = round4(clamp(meanAccuracy + 0.08 * gaussian(rng), 0.10, 0.70));
      const params = draft.width * draft.width * 9 * draft.depth + 10 * draft.width;
      const fingerprint = contentHash({ width: draft.width, depth: draft.depth });
      pushCand(candidateId, {
        type: 'CandidateEvaluated',
        data: {
          experimentId, cycle, candidateId, accuracy, loss: round4(2.3 * (1 - accuracy)), params, dataset, protocolHash,
          seed: config.seed, device: 'cpu', libraries: { torch: '1.13.1', python: '3.11.2' },
          timings: { instantiate: 0.02, forward: 0.01, train: round4(3 + rng() * 4), eval: 0.5, total: round4(4 + rng() * 4) },
          structuralFingerprint: fingerprint,
        },
      });
      const jTrain = round4(jaccard(draft.signature, baseSignatures[draft.base]!));
      let jGen = 0;
      let nearestGenId: string | null = null;
      for (const other of earlier) {
        const j = jaccard(draft.signature, other.signature);
        if (j > jGen) { jGen = round4(j); nearestGenId = other.id; }
      }
      const tau = config.novelty.nearDuplicateTau;
      const nearDupTextTrain = jTrain > tau;
      const nearDupTextGen = jGen > tau;
      if (nearDupTextTrain || nearDupTextGen) rejectionCount++;
      pushCand(candidateId, {
        type: 'NoveltyAssessed',
        data: {
          experimentId, cycle, candidateId, jTrain, jGen,
          nearestTrainId: seedEntries[draft.base]!.entryId, nearestGenId,
          nearDupTextTrain, nearDupTextGen, rejectionCount,
          structuralFingerprint: fingerprint, structuralDuplicateOf: null,
          signature: Buffer.from(draft.signature.buffer, draft.signature.byteOffset, draft.signature.byteLength).toString('base64'),
        },
      });
      earlier.push(draft);
      const ab = config.ablations;
      const belowThreshold = !ab.noThreshold && accuracy < config.threshold;
      const duplicate = !ab.noNovelty && (nearDupTextTrain || nearDupTextGen);
      if (belowThreshold || duplicate) {
        pushCand(candidateId, {
          type: 'CandidateNotAdmitted',
          data: { experimentId, cycle, candidateId, reason: belowThreshold ? 'below_threshold' : 'near_duplicate', accuracy },
        });
      } else {
        admitted++;
        corpusHashes.push(draft.codeHash);
        pushCand(candidateId, {
          type: 'CandidateAdmitted',
          data: { experimentId, cycle, candidateId, architectureId: `arch-${draft.codeHash.slice(0, 12)}`, accuracy, codeHash: draft.codeHash },
        });
      }
    }

    if (config.ablations.noIteration && cycle > 1) {
      pushExp({ type: 'GeneratorFineTuneSkipped', data: { experimentId, cycle, reason: 'noIteration' } });
    } else {
      // Under no-iteration the one fine-tune (cycle 1) trains on the seed corpus only.
      const trainOn = config.ablations.noIteration ? corpusHashes.slice(0, seedEntries.length) : corpusHashes;
      const corpusVersion = trainOn.length;
      pushExp({
        type: 'GeneratorFineTuneRequested',
        data: { experimentId, cycle, from: generator, corpusVersion, corpusHash: corpusHashOf(trainOn) },
      });
      const adapterHash = contentHash({ adapter: seed, cycle });
      const to: GeneratorRef = { id: generator.id, version: adapterHash };
      pushExp({
        type: 'GeneratorFineTuned',
        data: { experimentId, cycle, from: generator, to, adapterHash, corpusVersion, loss: round4(1.2 / cycle), durationMs: 60_000 + cycle },
      });
      generator = to;
    }
    pushExp({
      type: 'CycleCompleted',
      data: { experimentId, cycle, generated: candidatesPerCycle, admitted, corpusSize: corpusHashes.length },
    });
  }
  if (options.complete !== false) pushExp({ type: 'ExperimentCompleted', data: { experimentId, cycles } });
  return { experimentId, config, events: out };
}

/** The history cut right after cycle `cycle` completed (the "ledger that stops at cycle c" of time-travel tests). */
export function prefixThroughCycle(history: ExperimentHistory, cycle: number): ExperimentHistory {
  const end = history.events.findIndex((e) => e.event.type === 'CycleCompleted' && e.event.data.cycle === cycle);
  if (end < 0) throw new Error(`cycle ${cycle} does not complete in this history`);
  return { ...history, events: history.events.slice(0, end + 1) };
}

export interface EnvelopeOptions {
  /** ISO time of the first event; each later event is `stepMs` later (default 1000 ms). */
  readonly startTime?: string;
  readonly stepMs?: number;
  readonly actor?: string;
}

/** NewEvents ready to append, with deterministic ids and metadata (one command per event). */
export function toNewEvents(history: ExperimentHistory, options: EnvelopeOptions = {}): Array<{ streamId: string; event: NewEvent }> {
  const start = Date.parse(options.startTime ?? '2026-01-01T00:00:00.000Z');
  const step = options.stepMs ?? 1000;
  return history.events.map(({ streamId, event }, i) => {
    const commandId = `fixture:${history.experimentId}:${i}`;
    return {
      streamId,
      event: {
        eventId: eventIdFor(commandId, 0),
        type: event.type,
        schemaVersion: EVENT_SCHEMA_VERSIONS[event.type],
        data: event.data,
        metadata: {
          commandId, correlationId: history.experimentId, causationId: null,
          actor: options.actor ?? 'fixture', recordedAt: new Date(start + i * step).toISOString(),
        },
      },
    };
  });
}

/**
 * RecordedEvents as a store would return them (positions from `firstPosition`, contiguous stream versions), for
 * pure projection specs without a store. The hash chain here is sha256(prevHash + eventId), not the store's formula.
 */
export function toRecordedEvents(history: ExperimentHistory, options: EnvelopeOptions & { firstPosition?: number } = {}): RecordedEvent[] {
  const versions = new Map<string, number>();
  let prevHash = '0'.repeat(64);
  let position = options.firstPosition ?? 1;
  return toNewEvents(history, options).map(({ streamId, event }) => {
    const streamVersion = versions.get(streamId) ?? 0;
    versions.set(streamId, streamVersion + 1);
    const hash = sha256Hex(prevHash + event.eventId);
    const recorded: RecordedEvent = { ...event, streamId, streamVersion, globalPosition: position++, hash, prevHash };
    prevHash = hash;
    return recorded;
  });
}

/** Minimal store surface needed to write a history (the EventStore port satisfies it). */
export interface AppendTarget {
  append(streamId: string, events: readonly NewEvent[], expectedVersion: number | 'no_stream'): Promise<unknown>;
}

/** Appends a history in order, batching consecutive events of one stream, with exact expected versions. */
export async function appendHistory(store: AppendTarget, history: ExperimentHistory, options: EnvelopeOptions = {}): Promise<number> {
  const versions = new Map<string, number>();
  const all = toNewEvents(history, options);
  let i = 0;
  while (i < all.length) {
    const streamId = all[i]!.streamId;
    const batch: NewEvent[] = [];
    while (i < all.length && all[i]!.streamId === streamId) batch.push(all[i++]!.event);
    const current = versions.get(streamId);
    await store.append(streamId, batch, current === undefined ? 'no_stream' : current);
    versions.set(streamId, (current ?? -1) + batch.length);
  }
  return all.length;
}

// ---- deterministic randomness and small builders ----


function hashSeed(seed: number, cycle: number): number {
  return parseInt(sha256Hex(`${seed}:${cycle}`).slice(0, 8), 16);
}

function gaussian(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

function pickWeighted<T>(items: ReadonlyArray<readonly [T, number]>, rng: () => number): T {
  let r = rng() * items.reduce((s, [, w]) => s + w, 0);
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}

function randomSignature(rng: () => number): Uint32Array {
  const sig = new Uint32Array(SIGNATURE_SLOTS);
  for (let i = 0; i < SIGNATURE_SLOTS; i++) sig[i] = Math.floor(rng() * 4294967296);
  return sig;
}

/** Replaces each slot with probability `rate`: the expected Jaccard estimate to the base is 1 - rate. */
function mutateSignature(base: Uint32Array, rate: number, rng: () => number): Uint32Array {
  const sig = new Uint32Array(base);
  for (let i = 0; i < SIGNATURE_SLOTS; i++) if (rng() < rate) sig[i] = Math.floor(rng() * 4294967296);
  return sig;
}

function jaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_SLOTS; i++) if (a[i] === b[i]) same++;
  return same / SIGNATURE_SLOTS;
}

function architectureCode(name: string, width: number, depth: number): string {
  const blocks = Array.from({ length: depth }, (_, i) =>
    `            nn.Conv2d(${i === 0 ? 'in_shape[1]' : width}, ${width}, 3, padding=1), nn.BatchNorm2d(${width}), nn.ReLU(),`);
  return [
    'import torch',
    'import torch.nn as nn',
    '',
    "def supported_hyperparameters():\n    return {'lr', 'momentum'}",
    '',
    `class Net(nn.Module):  # ${name}`,
    '    def __init__(self, in_shape, out_shape, prm, device):',
    '        super().__init__()',
    '        self.device = device',
    '        self.features = nn.Sequential(',
    ...blocks,
    '            nn.AdaptiveAvgPool2d(1))',
    `        self.head = nn.Linear(${width}, out_shape[0])`,
    '',
    '    def forward(self, x):',
    '        return self.head(torch.flatten(self.features(x), 1))',
    '',
    '    def train_setup(self, prm):',
    '        self.to(self.device)',
    '        self.criteria = (nn.CrossEntropyLoss(),)',
    "        self.optimizer = torch.optim.SGD(self.parameters(), lr=prm['lr'], momentum=prm['momentum'])",
    '',
    '    def learn(self, train_data):',
    '        for inputs, labels in train_data:',
    '            self.optimizer.zero_grad()',
    '            loss = self.criteria[0](self(inputs.to(self.device)), labels.to(self.device))',
    '            loss.backward()',
    '            self.optimizer.step()',
    '',
  ].join('\n');
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
