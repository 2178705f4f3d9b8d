import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { decide, evolve, initialState, pendingWork, type ProxyStudyState } from '../../domain/study/proxy-study.decider';
import type { ProxyStudyEvent, ProxyStudyStarted, TrainingOutcome } from '../../domain/study/proxy-study.events';
import type { ProxyStudyCommand } from '../../domain/study/proxy-study.commands';
import { proxyStudiesAsOf, proxyStudyReport, proxyStudySummary } from '../../projections/proxy-study/query';
import { thm8Row } from '../../projections/theory/query';
import { kendallTauB, pearson, proxyNoise, spearman } from '../../domain/stats';

const PROXY = [0.71, 0.69, 0.66, 0.64];
const FULL = [0.88, 0.86, 0.87, 0.80];
const RERUNS = [[0.70, 0.72, 0.71], [0.68, 0.70, 0.69], [0.67, 0.65, 0.66], [0.62, 0.65, 0.64]];
const ids = PROXY.map((_, i) => `e.c01.00${i}`);

const started = (over: Partial<ProxyStudyStarted['data']> = {}, training: Partial<ProxyStudyStarted['data']['training']> = {}): ProxyStudyStarted['data'] => ({
  studyId: 's1', experimentId: 'e', from: 'valid', topK: 4, poolSize: 6, requestedBy: 'me', toolVersion: '0.1.0',
  candidates: ids.map((candidateId, i) => ({ candidateId, proxyAccuracy: PROXY[i]!, evaluatedAt: 10 + i })),
  training: { epochs: 2, proxySeeds: [4, 5, 6], dataset: 'fashion-mnist', protocol: 'fast', subset: 256, valSubset: 256, device: 'cpu', threads: 1, ...training },
  ...over,
});
const outcome = (accuracy: number): TrainingOutcome => ({ ok: true, accuracy, loss: 1, stage: 'passed', reason: null, protocolHash: 'h', device: 'cpu', durationMs: 5 });

function run(commands: readonly ProxyStudyCommand[]): { state: ProxyStudyState; events: ProxyStudyEvent[] } {
  let state = initialState();
  const events: ProxyStudyEvent[] = [];
  for (const command of commands) {
    for (const event of decide(command, state)) { events.push(event); state = evolve(state, event); }
  }
  return { state, events };
}

const allResults = (): ProxyStudyCommand[] => ids.flatMap((candidateId, i) => [
  { type: 'RecordFullTrain', data: { studyId: 's1', experimentId: 'e', candidateId, epochs: 2, ...outcome(FULL[i]!) } } as const,
  ...[4, 5, 6].map((seed, k) => ({ type: 'RecordProxyRerun', data: { studyId: 's1', experimentId: 'e', candidateId, seed, ...outcome(RERUNS[i]![k]!) } }) as const),
]);

const badInput = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof LedgerError && e.code === 'BAD_INPUT' && message.test(e.message));

describe('the proxy-study decider', () => {
  it('refuses --epochs 0, fewer than three proxy seeds, repeated seeds and a top-k the selection does not fill', () => {
    badInput(() => decide({ type: 'StartProxyStudy', data: started({}, { epochs: 0 }) }, initialState()), /--epochs must be a positive integer, got 0/);
    badInput(() => decide({ type: 'StartProxyStudy', data: started({}, { proxySeeds: [1, 2] }) }, initialState()), /--proxy-seeds must be at least 3, got 2/);
    badInput(() => decide({ type: 'StartProxyStudy', data: started({}, { proxySeeds: [1, 1, 2] }) }, initialState()), /distinct/);
    badInput(() => decide({ type: 'StartProxyStudy', data: started({ topK: 5 }) }, initialState()), /top 5 but names 4/);
  });

  it('records each result once: a repeat (a resumed or redelivered job) records nothing; completion waits for every training', () => {
    const start: ProxyStudyCommand = { type: 'StartProxyStudy', data: started() };
    const half = run([start, ...allResults().slice(0, 6)]);
    assert.equal(pendingWork(half.state).fullTrain.length + pendingWork(half.state).reruns.length, 10);
    assert.throws(() => decide({ type: 'CompleteProxyStudy', data: { studyId: 's1' } }, half.state), (e: unknown) => e instanceof LedgerError && e.code === 'REFUSED');
    const again = run([start, ...allResults(), ...allResults(), { type: 'CompleteProxyStudy', data: { studyId: 's1' } }]);
    assert.equal(again.events.filter((e) => e.type === 'FullTrainRecorded').length, 4);
    assert.equal(again.events.filter((e) => e.type === 'ProxyRerunRecorded').length, 12);
    const completed = again.events.find((e) => e.type === 'ProxyStudyCompleted');
    assert.deepEqual(completed?.data, { studyId: 's1', experimentId: 'e', pairs: 4, fullTrainFailures: 0, proxyRerunFailures: 0 });
  });
});

describe('projections/proxy-study', () => {
  const { events } = run([{ type: 'StartProxyStudy', data: started() }, ...allResults(), { type: 'CompleteProxyStudy', data: { studyId: 's1' } }]);
  const recorded: RecordedEvent[] = events.map((e, i) => ({
    ...e, eventId: `id${i}`, schemaVersion: 1, streamId: 'study-s1', streamVersion: i, globalPosition: 100 + i, hash: '', prevHash: '',
    metadata: { commandId: `c${i}`, correlationId: 'study:s1', causationId: null, actor: 'test', recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() },
  }));

  it('reports the statistics of the recorded pairs and re-runs, and folds any prefix', () => {
    const report = proxyStudyReport(proxyStudiesAsOf(recorded), 's1')!;
    assert.equal(report.status, 'completed');
    assert.equal(report.n, 4);
    assert.equal(report.pearson.coefficient, pearson(PROXY, FULL).coefficient);
    assert.equal(report.spearman.pValue, spearman(PROXY, FULL).pValue);
    assert.equal(report.kendall.coefficient, kendallTauB(PROXY, FULL).coefficient);
    assert.equal(report.snr, proxyNoise(RERUNS).snr);
    assert.deepEqual(report.pairs.map((p) => p.fullTrainEventPosition), [101, 105, 109, 113]);
    const early = proxyStudyReport(proxyStudiesAsOf(recorded, 104), 's1')!;
    assert.equal(early.status, 'started');
    assert.deepEqual([early.progress.fullTrains, early.progress.proxyReruns], [1, 3]);
    assert.equal(proxyStudyReport(proxyStudiesAsOf(recorded, 99), 's1'), null);
  });

  it('hands Thm 8 its summary; no study: not enough data', () => {
    const summary = proxyStudySummary(proxyStudiesAsOf(recorded), ['e']);
    assert.equal(summary?.studyId, 's1');
    assert.equal(summary?.n, 4);
    assert.match(thm8Row(summary, ['e']).observed, /^SNR \S+, Pearson \S+ \(p.*\), Spearman \S+ .*vs predicted .*\(n = 4\)$/);
    assert.equal(proxyStudySummary(proxyStudiesAsOf(recorded), ['other']), null);
    assert.equal(thm8Row(null, ['e']).verdict, 'not enough data');
  });
});
