import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { cycleStatisticsProjection } from '../../projections/cycle-statistics/evolve';
import { cycleStatsRows } from '../../projections/cycle-statistics/query';
import { corpusProjection } from '../../projections/corpus/evolve';
import { corpusOf } from '../../projections/corpus/query';
import { candidatesProjection } from '../../projections/candidates/evolve';
import { listCandidates } from '../../projections/candidates/query';
import { lineageProjection } from '../../projections/lineage/evolve';
import { candidateProvenance } from '../../projections/lineage/query';
import { foldEvents } from '../../projections/shared/projection';
import { asOfFromFlags, checkPosition, cycleEndPosition, parseAsOfTime } from '../../projections/shared/as-of';
import { LedgerError } from '../../domain/shared/ledger-error';
import { buildExperimentHistory, toRecordedEvents } from '../support/ledger-fixtures';

const SEED = 11;
const PER_CYCLE = 12;
const long = toRecordedEvents(buildExperimentHistory({ cycles: 8, candidatesPerCycle: PER_CYCLE, seed: SEED }));
const experimentId = `exp-${SEED}`;

/** A ledger that simply stopped after cycle c: built independently, not cut from the long one. */
function stoppedAt(cycle: number): RecordedEvent[] {
  return toRecordedEvents(buildExperimentHistory({ cycles: cycle, candidatesPerCycle: PER_CYCLE, seed: SEED, complete: false }));
}

function prefixAsOfCycle(cycle: number): RecordedEvent[] {
  const experimentStream = long.filter((e) => e.streamId === `experiment-${experimentId}`);
  const position = cycleEndPosition(experimentStream, experimentId, cycle);
  return long.filter((e) => e.globalPosition <= position);
}

describe('time travel: the state as of cycle c equals the state of a ledger that stopped at cycle c', () => {
  for (const cycle of [1, 3, 5, 8]) {
    it(`at cycle ${cycle}`, () => {
      const asOf = prefixAsOfCycle(cycle);
      const stopped = stoppedAt(cycle);
      assert.equal(asOf.length, stopped.length, 'the same number of events');

      const statsAsOf = cycleStatsRows(foldEvents(cycleStatisticsProjection, asOf), experimentId)!;
      assert.equal(statsAsOf.length, cycle);
      assert.deepEqual(statsAsOf, cycleStatsRows(foldEvents(cycleStatisticsProjection, stopped), experimentId));
      assert.deepEqual(corpusOf(foldEvents(corpusProjection, asOf), experimentId), corpusOf(foldEvents(corpusProjection, stopped), experimentId));
      assert.deepEqual(listCandidates(foldEvents(candidatesProjection, asOf), experimentId),
        listCandidates(foldEvents(candidatesProjection, stopped), experimentId));

      const id = `${experimentId}.c${String(cycle).padStart(2, '0')}.000`;
      const own = (events: RecordedEvent[]) => events.filter((e) => e.streamId === `candidate-${id}`);
      const chainAsOf = candidateProvenance(foldEvents(lineageProjection, asOf), id, own(asOf))!.generatorChain;
      assert.equal(chainAsOf.length, cycle, 'cycle c was written by the generator of c - 1 fine-tunes, plus the initial one');
      assert.deepEqual(chainAsOf, candidateProvenance(foldEvents(lineageProjection, stopped), id, own(stopped))!.generatorChain);
    });
  }

  it('a later cycle changes what an earlier as-of point does not see', () => {
    const at3 = cycleStatsRows(foldEvents(cycleStatisticsProjection, prefixAsOfCycle(3)), experimentId)!;
    const at8 = cycleStatsRows(foldEvents(cycleStatisticsProjection, long), experimentId)!;
    assert.deepEqual(at8.slice(0, 3), at3, 'completed cycles are not rewritten by later ones');
    assert.ok(at8[7]!.corpusSize > at3[2]!.corpusSize);
  });
});

describe('as-of points', () => {
  it('takes at most one flag and defaults to the head', () => {
    assert.deepEqual(asOfFromFlags({}), { kind: 'head' });
    assert.deepEqual(asOfFromFlags({ asOfCycle: 3 }), { kind: 'cycle', cycle: 3 });
    assert.deepEqual(asOfFromFlags({ asOfPosition: 0 }), { kind: 'position', position: 0 });
    assert.throws(() => asOfFromFlags({ asOfCycle: 1, asOfPosition: 4 }), (e: LedgerError) => e.code === 'BAD_INPUT');
    assert.throws(() => asOfFromFlags({ asOfCycle: 0 }), (e: LedgerError) => e.code === 'BAD_INPUT');
  });

  it('refuses a position beyond the head as NOT_FOUND, naming the head', () => {
    assert.equal(checkPosition(10, 10), 10);
    assert.throws(() => checkPosition(11, 10), (e: LedgerError) => e.code === 'NOT_FOUND' && /beyond the head of the ledger \(10\)/.test(e.message));
    assert.throws(() => checkPosition(-1, 10), (e: LedgerError) => e.code === 'BAD_INPUT');
  });

  it('refuses a cycle that has not completed, listing the completed ones', () => {
    const stream = stoppedAt(2).filter((e) => e.streamId === `experiment-${experimentId}`);
    assert.throws(() => cycleEndPosition(stream, experimentId, 5),
      (e: LedgerError) => e.code === 'NOT_FOUND' && /cycle 5 .* has not completed \(completed cycles: 1\.\.2\)/.test(e.message));
  });

  it('accepts ISO-8601 times with a zone and refuses anything vaguer', () => {
    assert.equal(parseAsOfTime('2026-01-01T00:00:05Z'), Date.UTC(2026, 0, 1, 0, 0, 5));
    for (const bad of ['yesterday', '2026-01-01', '2026-01-01T00:00:00', '2026-13-01T00:00:00Z']) {
      assert.throws(() => parseAsOfTime(bad), (e: LedgerError) => e.code === 'BAD_INPUT', bad);
    }
  });
});
