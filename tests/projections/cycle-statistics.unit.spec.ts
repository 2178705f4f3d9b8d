import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cycleStatisticsProjection } from '../../projections/cycle-statistics/evolve';
import { cycleStatsRows } from '../../projections/cycle-statistics/query';
import { decodeSignature, meanPairwiseJaccardDistance } from '../../projections/cycle-statistics/diversity';
import { foldEvents } from '../../projections/shared/projection';
import { toArray } from '../../projections/shared/persistent-vector';
import { get, values } from '../../projections/shared/persistent-map';
import type { CycleStatisticsView, CycleStatsRow } from '../../projections/cycle-statistics/view';
import { EXP, handBuiltLedger, signature } from './support/hand-built';

const close = (actual: number | null, expected: number, digits = 4) =>
  assert.ok(actual !== null && Math.abs(actual - expected) < 0.5 * 10 ** -digits, `expected ${expected}, got ${actual}`);
const closeInterval = (actual: readonly [number, number] | null, expected: [number, number], digits = 4) => {
  assert.ok(actual, `expected ${JSON.stringify(expected)}, got null`);
  close(actual[0], expected[0], digits);
  close(actual[1], expected[1], digits);
};

function rows(): CycleStatsRow[] {
  return cycleStatsRows(foldEvents(cycleStatisticsProjection, handBuiltLedger().recorded()), EXP)!;
}

describe('cycle statistics of a completed cycle (figures worked out by hand)', () => {
  const [cycle1] = rows();

  it('counts generated, valid and rejections by stage', () => {
    assert.equal(cycle1!.cycle, 1);
    assert.equal(cycle1!.completed, true);
    assert.equal(cycle1!.generated, 5);
    assert.equal(cycle1!.valid, 3);
    assert.deepEqual(cycle1!.rejectionsByStage, { parse: 1, budget: 1 });
  });

  it('gives the valid rate 3/5 with its Wilson 95% interval [0.2307, 0.8824]', () => {
    assert.equal(cycle1!.validRate, 0.6);
    closeInterval(cycle1!.validRateCI, [0.2307, 0.8824]);
  });

  it('gives mean 0.6 with the t interval 0.6 ± 4.302653 · 0.2 / √3, median 0.6 and best 0.8', () => {
    close(cycle1!.meanAccuracy, 0.6, 9);
    closeInterval(cycle1!.meanAccuracyCI, [0.10317, 1.09683]);
    close(cycle1!.medianAccuracy, 0.6, 9);
    assert.equal(cycle1!.bestAccuracy, 0.8);
  });

  it('gives the fraction at or above τ = 0.5 as 2/3 with Wilson [0.2077, 0.9385] and elite concentration 2/5', () => {
    close(cycle1!.aboveThreshold, 2 / 3, 9);
    closeInterval(cycle1!.aboveThresholdCI, [0.2077, 0.9385]);
    close(cycle1!.eliteConcentration, 0.4, 9);
  });

  it('gives diversity 1 − mean(0.5, 0.25, 0.25) = 2/3 and novelty mean(0.8, 0.5, 0.9) = 0.7333', () => {
    close(cycle1!.diversity, 2 / 3, 9);
    close(cycle1!.novelty, (0.8 + 0.5 + 0.9) / 3, 9);
  });

  it('counts admissions and the corpus after the cycle (2 seed + 2 admitted)', () => {
    assert.equal(cycle1!.admitted, 2);
    assert.equal(cycle1!.corpusSize, 4);
  });
});

describe('cycle statistics of a running cycle', () => {
  const cycle2 = rows()[1]!;

  it('reports what has happened so far and nulls where the sample is too small', () => {
    assert.equal(cycle2.completed, false);
    assert.equal(cycle2.generated, 2);
    assert.equal(cycle2.valid, 1);
    assert.equal(cycle2.validRate, 0.5);
    assert.equal(cycle2.meanAccuracy, 0.7);
    assert.equal(cycle2.meanAccuracyCI, null, 'one value has no t interval');
    assert.equal(cycle2.diversity, null, 'no pairs yet');
    assert.equal(cycle2.novelty, null, 'no assessment yet');
    assert.equal(cycle2.corpusSize, 4);
    assert.equal(cycle2.eliteConcentration, 0.5);
  });
});

describe('cycle statistics evolve', () => {
  it('is deterministic: the same events fold to the same view, and the events are left untouched', () => {
    const events = handBuiltLedger().recorded();
    const before = JSON.stringify(events);
    const a = foldEvents(cycleStatisticsProjection, events);
    const b = foldEvents(cycleStatisticsProjection, events);
    assert.deepEqual(a, b);
    assert.equal(JSON.stringify(events), before);
  });

  it('continues from a view that went through JSON (a snapshot) exactly as an uninterrupted fold does', () => {
    const events = handBuiltLedger().recorded();
    const cut = 12;
    const partial = foldEvents(cycleStatisticsProjection, events.slice(0, cut));
    const resumed = foldEvents(cycleStatisticsProjection, events.slice(cut), JSON.parse(JSON.stringify(partial)) as CycleStatisticsView);
    assert.deepEqual(cycleStatsRows(resumed, EXP), cycleStatsRows(foldEvents(cycleStatisticsProjection, events), EXP));
  });

  it('drops the working sets of a completed cycle so snapshots stay small', () => {
    const view = foldEvents(cycleStatisticsProjection, handBuiltLedger().recorded());
    const experiment = get(view.experiments, EXP)!;
    const cycle1 = experiment.completedCycles['1']!;
    assert.deepEqual(experiment.openCycles.map((open) => open.cycle), [2]);
    assert.deepEqual(toArray(cycle1.signatures), []);
    assert.deepEqual(toArray(cycle1.validAccuracies), []);
    assert.deepEqual(values(cycle1.validPositions), []);
    assert.ok(cycle1.frozen);
  });

  it('does not count a novelty assessment of a candidate that was never evaluated', () => {
    const b = handBuiltLedger();
    b.novelty(2, 1, 0.0, signature(0, 9));
    const cycle2 = cycleStatsRows(foldEvents(cycleStatisticsProjection, b.recorded()), EXP)![1]!;
    assert.equal(cycle2.novelty, null);
  });

  it('ignores candidate events of an experiment it never saw registered', () => {
    const events = handBuiltLedger().recorded().filter((e) => e.type !== 'ExperimentRegistered');
    assert.equal(cycleStatsRows(foldEvents(cycleStatisticsProjection, events), EXP), null);
  });
});

describe('mean pairwise Jaccard distance', () => {
  it('agrees with the direct pairwise loop on random signatures with shared slots', () => {
    let seed = 12345;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const sigs = Array.from({ length: 40 }, () => {
      const slots = new Uint32Array(256);
      for (let k = 0; k < 256; k++) slots[k] = rand() < 0.5 ? k % 7 : Math.floor(rand() * 2 ** 32);
      return Buffer.from(slots.buffer).toString('base64');
    });
    const decoded = sigs.map(decodeSignature);
    let sum = 0;
    let pairs = 0;
    for (let i = 0; i < decoded.length; i++) {
      for (let j = i + 1; j < decoded.length; j++) {
        let same = 0;
        for (let k = 0; k < 256; k++) if (decoded[i]![k] === decoded[j]![k]) same++;
        sum += 1 - same / 256;
        pairs++;
      }
    }
    close(meanPairwiseJaccardDistance(sigs), sum / pairs, 12);
  });

  it('is 0 for identical signatures and null for fewer than two', () => {
    assert.equal(meanPairwiseJaccardDistance([signature(256, 1), signature(256, 2)]), 0);
    assert.equal(meanPairwiseJaccardDistance([signature(256, 1)]), null);
  });

  it('refuses a signature of the wrong length', () => {
    assert.throws(() => decodeSignature(Buffer.alloc(12).toString('base64')), /expected 1024/);
  });
});
