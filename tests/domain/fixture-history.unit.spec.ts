/**
 * The fixture histories other specs rely on are exactly what the deciders decide: every event is re-derived by
 * sending the command that should have caused it to the decider, over the state folded so far.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildExperimentHistory, prefixThroughCycle, type HistoryOptions } from '../support/ledger-fixtures';
import { experimentDecider, type ExperimentState } from '../../domain/experiment/experiment.decider';
import { admissionRulesOf, candidateDecider, isTerminal, type CandidateState } from '../../domain/candidate/candidate.decider';
import type { ExperimentCommand } from '../../domain/experiment/experiment.commands';
import type { CandidateCommand } from '../../domain/candidate/candidate.commands';
import type { CandidateEvent, ExperimentEvent, LedgerEvent } from '../../domain/experiment/events';

const isExperimentEvent = (e: LedgerEvent): e is ExperimentEvent =>
  ['ExperimentRegistered', 'CorpusSeeded', 'CycleStarted', 'GeneratorFineTuneRequested', 'GeneratorFineTuned',
    'GeneratorFineTuneSkipped', 'CycleCompleted', 'ExperimentCompleted', 'ExperimentFailed'].includes(e.type);

function replay(options: HistoryOptions): void {
  const history = buildExperimentHistory(options);
  const rules = admissionRulesOf(history.config);
  let experiment: ExperimentState = experimentDecider.initialState();
  const candidates = new Map<string, { cycle: number; state: CandidateState }>();

  for (const { streamId, event } of history.events) {
    if (isExperimentEvent(event)) {
      assert.equal(streamId, `experiment-${history.experimentId}`);
      const command = experimentCommandFor(event, [...candidates.values()]);
      assert.deepEqual(experimentDecider.decide(command, experiment), [event], `experiment ${event.type}`);
      experiment = experimentDecider.evolve(experiment, event);
    } else if (event.type !== 'JobClaimed' && event.type !== 'JobFailed' && event.type !== 'ReviewStarted' && event.type !== 'CandidateReviewed'
      && event.type !== 'ReviewCompleted' && event.type !== 'ProxyStudyStarted' && event.type !== 'FullTrainRecorded'
      && event.type !== 'ProxyRerunRecorded' && event.type !== 'ProxyStudyCompleted') {
      const candidateId = event.data.candidateId;
      assert.equal(streamId, `candidate-${candidateId}`);
      const entry = candidates.get(candidateId) ?? { cycle: event.data.cycle, state: candidateDecider.initialState() };
      const command = candidateCommandFor(event, rules);
      assert.deepEqual(candidateDecider.decide(command, entry.state), [event], `${candidateId} ${event.type}`);
      candidates.set(candidateId, { cycle: entry.cycle, state: candidateDecider.evolve(entry.state, event) });
    }
  }
  assert.equal(experiment.status, options.complete === false ? 'registered' : 'completed');
}

function experimentCommandFor(event: ExperimentEvent, candidates: Array<{ cycle: number; state: CandidateState }>): ExperimentCommand {
  const experimentId = event.data.experimentId;
  switch (event.type) {
    case 'ExperimentRegistered': return { type: 'RegisterExperiment', data: { experimentId, name: event.data.name, config: event.data.config } };
    case 'CorpusSeeded': return { type: 'SeedCorpus', data: { experimentId, entries: event.data.entries, source: event.data.source } };
    case 'CycleStarted': return {
      type: 'StartCycle',
      data: {
        experimentId, cycle: event.data.cycle, candidatesPlanned: event.data.candidatesPlanned,
        ...(event.data.cycle === 1 ? { generator: event.data.generator } : {}),
      },
    };
    case 'GeneratorFineTuneRequested': return { type: 'RequestFineTune', data: { experimentId, cycle: event.data.cycle, corpusVersion: event.data.corpusVersion, corpusHash: event.data.corpusHash } };
    case 'GeneratorFineTuned': {
      const { cycle, to, adapterHash, loss, durationMs } = event.data;
      return { type: 'RecordFineTuned', data: { experimentId, cycle, to, adapterHash, loss, durationMs } };
    }
    case 'GeneratorFineTuneSkipped': return { type: 'SkipFineTune', data: { experimentId, cycle: event.data.cycle } };
    case 'CycleCompleted': {
      const mine = candidates.filter((c) => c.cycle === event.data.cycle);
      const counts = { generated: mine.length, terminal: mine.filter((c) => isTerminal(c.state)).length, admitted: mine.filter((c) => c.state.status === 'admitted').length };
      return { type: 'CompleteCycle', data: { experimentId, cycle: event.data.cycle, candidates: counts } };
    }
    case 'ExperimentCompleted': return { type: 'CompleteExperiment', data: { experimentId } };
    case 'ExperimentFailed': return { type: 'FailExperiment', data: { experimentId, reason: event.data.reason } };
  }
}

function candidateCommandFor(event: CandidateEvent, rules: ReturnType<typeof admissionRulesOf>): CandidateCommand {
  switch (event.type) {
    case 'CandidateGenerated': return { type: 'RecordGenerated', data: event.data };
    case 'CandidateRejected': return { type: 'RecordRejection', data: event.data };
    case 'CandidateEvaluated': return { type: 'RecordEvaluation', data: event.data };
    case 'NoveltyAssessed': return { type: 'RecordNovelty', data: event.data };
    case 'CandidateAdmitted':
    case 'CandidateNotAdmitted':
      return { type: 'DecideAdmission', data: { experimentId: event.data.experimentId, candidateId: event.data.candidateId, rules } };
  }
}

describe('a fixture history', () => {
  it('is what the deciders decide, event by event (full method)', () => replay({ cycles: 6, candidatesPerCycle: 30, seed: 11 }));
  it('is what the deciders decide under each ablation', () => {
    replay({ cycles: 4, candidatesPerCycle: 20, seed: 3, ablations: { noIteration: true } });
    replay({ cycles: 4, candidatesPerCycle: 20, seed: 4, ablations: { noNovelty: true } });
    replay({ cycles: 4, candidatesPerCycle: 20, seed: 5, ablations: { noThreshold: true } });
    replay({ cycles: 3, candidatesPerCycle: 10, seed: 6, complete: false });
  });

  it('is deterministic by seed and differs across seeds', () => {
    const a = buildExperimentHistory({ cycles: 3, candidatesPerCycle: 10, seed: 1 });
    assert.deepEqual(buildExperimentHistory({ cycles: 3, candidatesPerCycle: 10, seed: 1 }), a);
    assert.notDeepEqual(buildExperimentHistory({ cycles: 3, candidatesPerCycle: 10, seed: 2 }).events.slice(4), a.events.slice(4));
  });

  it('of fewer cycles is the prefix of a longer one, cut after the last completed cycle', () => {
    const long = buildExperimentHistory({ cycles: 5, candidatesPerCycle: 10, seed: 9 });
    const short = buildExperimentHistory({ cycles: 3, candidatesPerCycle: 10, seed: 9 });
    assert.deepEqual(prefixThroughCycle(long, 3).events.slice(1), prefixThroughCycle(short, 3).events.slice(1));
  });

  it('shows accuracy rising across cycles', () => {
    const h = buildExperimentHistory({ cycles: 22, candidatesPerCycle: 50, seed: 1 });
    const meanOf = (cycle: number) => {
      const acc = h.events.flatMap(({ event }) => event.type === 'CandidateEvaluated' && event.data.cycle === cycle ? [event.data.accuracy] : []);
      return acc.reduce((s, x) => s + x, 0) / acc.length;
    };
    assert.ok(meanOf(22) > meanOf(1) + 0.1, `mean accuracy ${meanOf(1)} -> ${meanOf(22)}`);
  });
});
