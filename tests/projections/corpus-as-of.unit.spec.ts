import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { corpusHashOf } from '../../domain/experiment/corpus';
import { belongsToExperiment, cycleOf, firstEvent, isEvent, asLedgerEvent } from '../../domain/experiment/ledger-event';
import { corpusProjection } from '../../projections/corpus/evolve';
import { corpusAsOf, corpusOf } from '../../projections/corpus/query';
import { foldEvents } from '../../projections/shared/projection';
import { buildExperimentHistory, prefixThroughCycle, toRecordedEvents } from '../support/ledger-fixtures';

const history = buildExperimentHistory({ cycles: 4, candidatesPerCycle: 12, seed: 31 });
const other = buildExperimentHistory({ cycles: 2, candidatesPerCycle: 8, seed: 32 });
const mine = toRecordedEvents(history);
/** Another experiment's events after this one's: they must not change this corpus. */
const ledger: RecordedEvent[] = [...mine, ...toRecordedEvents(other, { firstPosition: mine.length + 1 })];

const codeOfCandidate = new Map(mine.flatMap((e) => (isEvent(e, 'CandidateGenerated') ? [[e.data.candidateId, e.data.code] as const] : [])));

describe('corpusAsOf: the corpus as of a cycle from the log, one call', () => {
  it('at each cycle equals the corpus projection folded over the ledger that stopped at that cycle', () => {
    let admittedSoFar = -1;
    for (let cycle = 1; cycle <= history.config.cycles; cycle++) {
      const stopped = toRecordedEvents(prefixThroughCycle(history, cycle));
      const expected = corpusOf(foldEvents(corpusProjection, stopped), history.experimentId)!;
      const actual = corpusAsOf(ledger, history.experimentId, { cycle })!;
      assert.deepEqual(actual.members, expected.members, `cycle ${cycle}`);
      assert.deepEqual([actual.size, actual.seedSize, actual.corpusHash], [expected.size, expected.seedSize, expected.corpusHash]);
      assert.equal(actual.lastCompletedCycle, cycle);
      assert.ok(actual.size > admittedSoFar, `the corpus did not grow by cycle ${cycle}`);
      admittedSoFar = actual.size;
    }
  });

  it('gives every member its source text (seeds from CorpusSeeded, admitted ones from CandidateGenerated), hashes intact', () => {
    const corpus = corpusAsOf(ledger, history.experimentId)!;
    const seeded = firstEvent(mine, 'CorpusSeeded')!.data.entries;
    assert.equal(corpus.entries.length, corpus.size);
    assert.deepEqual(corpus.entries.slice(0, seeded.length), seeded);
    for (const [i, entry] of corpus.entries.entries()) {
      const member = corpus.members[i]!;
      assert.deepEqual([entry.entryId, entry.name, entry.codeHash, entry.accuracy], [member.entryId, member.name, member.codeHash, member.accuracy]);
      if (member.source === 'admitted') assert.equal(entry.code, codeOfCandidate.get(member.candidateId!));
    }
    assert.equal(corpusHashOf(corpus.entries.map((e) => e.codeHash)), corpus.corpusHash);
  });

  it('as of cycle 0 is the seed corpus; past the last cycle it is the whole corpus', () => {
    const seedOnly = corpusAsOf(ledger, history.experimentId, { cycle: 0 })!;
    assert.equal(seedOnly.size, seedOnly.seedSize);
    assert.equal(seedOnly.lastCompletedCycle, null);
    const whole = corpusOf(foldEvents(corpusProjection, ledger), history.experimentId)!;
    assert.deepEqual(corpusAsOf(ledger, history.experimentId, { cycle: 99 })!.members, whole.members);
    assert.deepEqual(corpusAsOf(ledger, history.experimentId)!.members, whole.members);
  });

  it('reads the same from the subsequence an agent fetches: the experiment stream, admissions and their generations', () => {
    const admitted = new Set(mine.flatMap((e) => (isEvent(e, 'CandidateAdmitted') ? [e.data.candidateId] : [])));
    const fetched = ledger.filter((e) => e.streamId === `experiment-${history.experimentId}` || isEvent(e, 'CandidateAdmitted') ||
      (isEvent(e, 'CandidateGenerated') && admitted.has(e.data.candidateId)));
    assert.ok(fetched.length < ledger.length / 2);
    const full = corpusAsOf(ledger, history.experimentId)!;
    assert.deepEqual(corpusAsOf(fetched, history.experimentId), full);
    assert.deepEqual(corpusAsOf(fetched, history.experimentId, { cycle: 2 }), corpusAsOf(ledger, history.experimentId, { cycle: 2 }));
  });

  it('is null for an experiment the events do not register', () => {
    assert.equal(corpusAsOf(ledger, 'no-such-experiment'), null);
    assert.equal(corpusAsOf([], history.experimentId), null);
  });
});

describe('narrowing recorded events on the catalog union', () => {
  it('types data by the event type and tells experiments, jobs and unknown types apart', () => {
    const generated = firstEvent(ledger, 'CandidateGenerated')!;
    assert.equal(generated.type, 'CandidateGenerated');
    assert.equal(typeof generated.data.code, 'string');
    assert.equal(cycleOf(asLedgerEvent(generated)!), generated.data.cycle);
    assert.equal(cycleOf(asLedgerEvent(firstEvent(ledger, 'ExperimentRegistered')!)!), null);
    const unknown = { ...generated, type: 'SomethingNewer' };
    assert.equal(asLedgerEvent(unknown), null);
    assert.equal(isEvent(unknown, 'CandidateGenerated'), false);
    assert.equal(belongsToExperiment(unknown, history.experimentId), false);
    assert.equal(belongsToExperiment(generated, history.experimentId), true);
    assert.equal(belongsToExperiment(generated, other.experimentId), false);
    const claim = { ...generated, type: 'JobClaimed', data: { jobId: `evaluate:${history.experimentId}.c01.000`, agentId: 'a', attempt: 1, leaseUntil: 0 } };
    assert.equal(belongsToExperiment(claim, history.experimentId), true);
    assert.equal(belongsToExperiment(claim, other.experimentId), false);
  });
});
