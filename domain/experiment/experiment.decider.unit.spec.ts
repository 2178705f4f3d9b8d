import { describe, it } from 'node:test';
import { deciderSpecification } from '../../tests/support/decider-specification';
import { configHash, DEFAULT_CONFIG, type ExperimentConfig } from './config';
import { contentHash } from '../shared/canonical-json';
import { experimentDecider } from './experiment.decider';
import type { ExperimentEvent, GeneratorRef } from './events';

const spec = deciderSpecification(experimentDecider);
const experimentId = 'exp-1';
const config: ExperimentConfig = { ...DEFAULT_CONFIG, name: experimentId, cycles: 2 };
const noIterationConfig: ExperimentConfig = { ...config, ablations: { ...config.ablations, noIteration: true } };
const gen0: GeneratorRef = { id: 'grammar', version: 'v0' };
const gen1: GeneratorRef = { id: 'grammar', version: 'v1' };
const entries = [
  { entryId: 'seed:a', name: 'a', code: 'A', codeHash: 'h-a', accuracy: 0.5 },
  { entryId: 'seed:b', name: 'b', code: 'B', codeHash: 'h-b', accuracy: null },
];
// The corpus hash of the two seed entries, as recorded: sha256 of the canonical JSON of the sorted code hashes.
const seedHash = contentHash(['h-a', 'h-b']);

const registered = (c: ExperimentConfig = config): ExperimentEvent =>
  ({ type: 'ExperimentRegistered', data: { experimentId, name: experimentId, config: c, configHash: configHash(c), group: null } });
const seeded: ExperimentEvent = { type: 'CorpusSeeded', data: { experimentId, entries, corpusHash: seedHash, source: 'test' } };
const started = (cycle: number, generator: GeneratorRef, corpusSize: number): ExperimentEvent =>
  ({ type: 'CycleStarted', data: { experimentId, cycle, generator, corpusSize, candidatesPlanned: 4 } });
const requested = (cycle: number, from: GeneratorRef, corpusVersion: number, corpusHash = 'hash'): ExperimentEvent =>
  ({ type: 'GeneratorFineTuneRequested', data: { experimentId, cycle, from, corpusVersion, corpusHash } });
const fineTuned = (cycle: number, from: GeneratorRef, to: GeneratorRef, corpusVersion: number): ExperimentEvent =>
  ({ type: 'GeneratorFineTuned', data: { experimentId, cycle, from, to, adapterHash: to.version, corpusVersion, loss: 0.5, durationMs: 10 } });
const completed = (cycle: number, admitted: number, corpusSize: number): ExperimentEvent =>
  ({ type: 'CycleCompleted', data: { experimentId, cycle, generated: 4, admitted, corpusSize } });

const cycle1Done = [registered(), seeded, started(1, gen0, 2), requested(1, gen0, 3), fineTuned(1, gen0, gen1, 3), completed(1, 1, 3)];
const allCyclesDone = [...cycle1Done, started(2, gen1, 3), requested(2, gen1, 3), fineTuned(2, gen1, gen0, 3), completed(2, 0, 3)];

describe('an unregistered experiment', () => {
  it('registers, recording the config and its hash', () =>
    spec([]).when({ type: 'RegisterExperiment', data: { experimentId, name: experimentId, config } }).then([registered()]));

  it('refuses a config without cycles', () =>
    spec([]).when({ type: 'RegisterExperiment', data: { experimentId, name: 'x', config: { ...config, cycles: 0 } } })
      .thenRefused('REFUSED', /cycles/));

  it('does not know the experiment for any other command', () =>
    spec([]).when({ type: 'SeedCorpus', data: { experimentId, entries, source: 'test' } }).thenRefused('NOT_FOUND', /not registered/));
});

describe('a registered experiment', () => {
  it('refuses a second registration', () =>
    spec([registered()]).when({ type: 'RegisterExperiment', data: { experimentId, name: 'again', config } })
      .thenRefused('REFUSED', /already registered/));

  it('seeds the corpus with an order-free hash of the entries', () =>
    spec([registered()]).when({ type: 'SeedCorpus', data: { experimentId, entries: [...entries].reverse(), source: 'test' } })
      .then([{ type: 'CorpusSeeded', data: { experimentId, entries: [...entries].reverse(), corpusHash: seedHash, source: 'test' } }]));

  it('refuses a seed corpus with a repeated entry id', () =>
    spec([registered()]).when({ type: 'SeedCorpus', data: { experimentId, entries: [entries[0]!, entries[0]!], source: 't' } })
      .thenRefused('REFUSED', /appears twice/));

  it('refuses to start a cycle before the corpus is seeded', () =>
    spec([registered()]).when({ type: 'StartCycle', data: { experimentId, cycle: 1, generator: gen0, candidatesPlanned: 4 } })
      .thenRefused('REFUSED', /not seeded/));
});

describe('a seeded experiment', () => {
  const given = [registered(), seeded];
  it('starts cycle 1 with the seed corpus size', () =>
    spec(given).when({ type: 'StartCycle', data: { experimentId, cycle: 1, generator: gen0, candidatesPlanned: 4 } })
      .then([started(1, gen0, 2)]));

  it('refuses to skip ahead to cycle 2', () =>
    spec(given).when({ type: 'StartCycle', data: { experimentId, cycle: 2, generator: gen0, candidatesPlanned: 4 } })
      .thenRefused('REFUSED', /next cycle .* is 1/));

  it('refuses cycle 1 without a generator', () =>
    spec(given).when({ type: 'StartCycle', data: { experimentId, cycle: 1, candidatesPlanned: 4 } })
      .thenRefused('REFUSED', /needs a generator/));

  it('refuses a corpus seeded twice', () =>
    spec(given).when({ type: 'SeedCorpus', data: { experimentId, entries, source: 'again' } }).thenRefused('REFUSED', /already seeded/));

  it('refuses to complete before its cycles ran', () =>
    spec(given).when({ type: 'CompleteExperiment', data: { experimentId } }).thenRefused('REFUSED', /0 of 2 cycles/));
});

describe('an experiment whose cycle is generating', () => {
  const given = [registered(), seeded, started(1, gen0, 2)];
  it('requests the fine-tune from the cycle generator', () =>
    spec(given).when({ type: 'RequestFineTune', data: { experimentId, cycle: 1, corpusVersion: 3, corpusHash: 'hash' } })
      .then([requested(1, gen0, 3)]));

  it('refuses to start another cycle', () =>
    spec(given).when({ type: 'StartCycle', data: { experimentId, cycle: 2, candidatesPlanned: 4 } }).thenRefused('REFUSED', /still running/));

  it('refuses to skip the fine-tune outside the no-iteration ablation', () =>
    spec(given).when({ type: 'SkipFineTune', data: { experimentId, cycle: 1 } }).thenRefused('REFUSED', /only the no-iteration/));

  it('refuses a fine-tune result that was never requested', () =>
    spec(given).when({ type: 'RecordFineTuned', data: { experimentId, cycle: 1, to: gen1, adapterHash: 'v1', loss: 0.5, durationMs: 10 } })
      .thenRefused('REFUSED', /no fine-tune in flight/));

  it('refuses to complete the cycle before the fine-tune', () =>
    spec(given).when({ type: 'CompleteCycle', data: { experimentId, cycle: 1, candidates: { generated: 4, terminal: 4, admitted: 1 } } })
      .thenRefused('REFUSED', /not requested/));

  it('refuses a command for another cycle', () =>
    spec(given).when({ type: 'RequestFineTune', data: { experimentId, cycle: 2, corpusVersion: 3, corpusHash: 'h' } })
      .thenRefused('REFUSED', /not the running cycle/));
});

describe('an experiment whose fine-tune was requested', () => {
  const given = [registered(), seeded, started(1, gen0, 2), requested(1, gen0, 3)];
  it('records the fine-tuned generator with the requested corpus version', () =>
    spec(given).when({ type: 'RecordFineTuned', data: { experimentId, cycle: 1, to: gen1, adapterHash: 'v1', loss: 0.5, durationMs: 10 } })
      .then([fineTuned(1, gen0, gen1, 3)]));

  it('refuses to complete the cycle while the fine-tune is in flight', () =>
    spec(given).when({ type: 'CompleteCycle', data: { experimentId, cycle: 1, candidates: { generated: 4, terminal: 4, admitted: 1 } } })
      .thenRefused('REFUSED', /in flight/));

  it('refuses a second request', () =>
    spec(given).when({ type: 'RequestFineTune', data: { experimentId, cycle: 1, corpusVersion: 3, corpusHash: 'h' } })
      .thenRefused('REFUSED', /already fine-tune-requested/));
});

describe('an experiment whose cycle fine-tune finished', () => {
  const given = [registered(), seeded, started(1, gen0, 2), requested(1, gen0, 3), fineTuned(1, gen0, gen1, 3)];
  it('completes the cycle once every candidate is decided, growing the corpus by the admitted', () =>
    spec(given).when({ type: 'CompleteCycle', data: { experimentId, cycle: 1, candidates: { generated: 4, terminal: 4, admitted: 1 } } })
      .then([completed(1, 1, 3)]));

  it('refuses to complete while candidates are undecided', () =>
    spec(given).when({ type: 'CompleteCycle', data: { experimentId, cycle: 1, candidates: { generated: 4, terminal: 3, admitted: 1 } } })
      .thenRefused('REFUSED', /1 of 4 candidates not yet decided/));

  it('refuses counts that cannot be', () =>
    spec(given).when({ type: 'CompleteCycle', data: { experimentId, cycle: 1, candidates: { generated: 4, terminal: 4, admitted: 5 } } })
      .thenRefused('REFUSED', /inconsistent/));
});

describe('an experiment between cycles', () => {
  it('starts the next cycle with the fine-tuned generator and the grown corpus', () =>
    spec(cycle1Done).when({ type: 'StartCycle', data: { experimentId, cycle: 2, candidatesPlanned: 4 } }).then([started(2, gen1, 3)]));

  it('refuses a generator other than the fine-tune output', () =>
    spec(cycle1Done).when({ type: 'StartCycle', data: { experimentId, cycle: 2, generator: gen0, candidatesPlanned: 4 } })
      .thenRefused('REFUSED', /must use generator version v1/));

  it('refuses to complete before the last configured cycle', () =>
    spec(cycle1Done).when({ type: 'CompleteExperiment', data: { experimentId } }).thenRefused('REFUSED', /1 of 2 cycles/));
});

describe('a no-iteration experiment in cycle 1', () => {
  const given = [registered(noIterationConfig), seeded, started(1, gen0, 2)];
  it('fine-tunes once on the seed corpus', () =>
    spec(given).when({ type: 'RequestFineTune', data: { experimentId, cycle: 1, corpusVersion: 2, corpusHash: seedHash } })
      .then([requested(1, gen0, 2, seedHash)]));

  it('refuses a fine-tune on a corpus grown by admitted candidates', () =>
    spec(given).when({ type: 'RequestFineTune', data: { experimentId, cycle: 1, corpusVersion: 3, corpusHash: 'grown' } })
      .thenRefused('REFUSED', /seed corpus only/));

  it('refuses to skip the one fine-tune', () =>
    spec(given).when({ type: 'SkipFineTune', data: { experimentId, cycle: 1 } }).thenRefused('REFUSED', /cycle 1 fine-tunes once/));
});

describe('a no-iteration experiment in cycle 2', () => {
  const given = [
    registered(noIterationConfig), seeded, started(1, gen0, 2), requested(1, gen0, 2, seedHash),
    fineTuned(1, gen0, gen1, 2), completed(1, 1, 3), started(2, gen1, 3),
  ];
  it('skips the fine-tune', () =>
    spec(given).when({ type: 'SkipFineTune', data: { experimentId, cycle: 2 } })
      .then([{ type: 'GeneratorFineTuneSkipped', data: { experimentId, cycle: 2, reason: 'noIteration' } }]));

  it('refuses another fine-tune', () =>
    spec(given).when({ type: 'RequestFineTune', data: { experimentId, cycle: 2, corpusVersion: 2, corpusHash: seedHash } })
      .thenRefused('REFUSED', /may not fine-tune/));

  it('completes the cycle after the skip', () =>
    spec([...given, { type: 'GeneratorFineTuneSkipped', data: { experimentId, cycle: 2, reason: 'noIteration' } }])
      .when({ type: 'CompleteCycle', data: { experimentId, cycle: 2, candidates: { generated: 4, terminal: 4, admitted: 0 } } })
      .then([completed(2, 0, 3)]));
});

describe('an experiment that ran all its cycles', () => {
  it('completes', () =>
    spec(allCyclesDone).when({ type: 'CompleteExperiment', data: { experimentId } })
      .then([{ type: 'ExperimentCompleted', data: { experimentId, cycles: 2 } }]));

  it('refuses a cycle beyond its config', () =>
    spec(allCyclesDone).when({ type: 'StartCycle', data: { experimentId, cycle: 3, candidatesPlanned: 4 } })
      .thenRefused('REFUSED', /configured for 2 cycles/));
});

describe('a completed experiment', () => {
  const given = [...allCyclesDone, { type: 'ExperimentCompleted', data: { experimentId, cycles: 2 } } as const];
  it('refuses to fail', () =>
    spec(given).when({ type: 'FailExperiment', data: { experimentId, reason: 'late' } }).thenRefused('REFUSED', /finished experiment/));
  it('refuses to complete again', () =>
    spec(given).when({ type: 'CompleteExperiment', data: { experimentId } }).thenRefused('REFUSED', /is completed/));
});

describe('a failed experiment', () => {
  const given = [registered(), seeded, started(1, gen0, 2), { type: 'ExperimentFailed', data: { experimentId, reason: 'gpu lost' } } as const];
  it('records the failure from any running state', () =>
    spec([registered(), seeded, started(1, gen0, 2)]).when({ type: 'FailExperiment', data: { experimentId, reason: 'gpu lost' } })
      .then([{ type: 'ExperimentFailed', data: { experimentId, reason: 'gpu lost' } }]));
  it('refuses any further event', () =>
    spec(given).when({ type: 'RequestFineTune', data: { experimentId, cycle: 1, corpusVersion: 2, corpusHash: 'h' } })
      .thenRefused('REFUSED', /is failed/));
});
