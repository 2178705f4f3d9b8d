/**
 * Issue 15: `stats` printed mean-accuracy intervals such as [-1.444, 2.164] for n = 2. The JSON keeps the honest t
 * interval and marks n < 3; the table clips the printed interval to [0, 1] and says so.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tInterval } from '../../domain/stats/intervals';
import { meanAccuracyCell, meanAccuracyNotes, statsJsonRows } from '../../src/cli/commands/stats.command';

function cycleOf(accuracies: number[]) {
  const t = tInterval(accuracies, 0.95);
  return { valid: accuracies.length, meanAccuracy: t?.mean ?? null, meanAccuracyCI: t ? ([t.interval[0], t.interval[1]] as const) : null };
}

describe('stats prints mean-accuracy intervals such as [-1.444, 2.164] for n = 2', () => {
  const two = cycleOf([0.2, 0.9]);
  const many = cycleOf([0.61, 0.64, 0.66, 0.7, 0.72]);

  it('the t interval for n = 2 does leave [0, 1] (the case the issue saw)', () => {
    assert.ok(two.meanAccuracyCI![0] < 0 && two.meanAccuracyCI![1] > 1, String(two.meanAccuracyCI));
  });

  it('the printed interval is clipped to [0, 1] and marked as a small sample, with notes saying both', () => {
    assert.equal(meanAccuracyCell(two), '0.550 [0.000, 1.000]†');
    const notes = meanAccuracyNotes([two, many]).join('\n');
    assert.match(notes, /† fewer than 3 valid candidates/);
    assert.match(notes, /clipped to \[0, 1\]/);
  });

  it('an interval inside [0, 1] from enough candidates is printed as it is, with no notes', () => {
    const [low, high] = many.meanAccuracyCI!;
    assert.equal(meanAccuracyCell(many), `${many.meanAccuracy!.toFixed(3)} [${low.toFixed(3)}, ${high.toFixed(3)}]`);
    assert.deepEqual(meanAccuracyNotes([many]), []);
  });

  it('the JSON keeps the t interval as computed and marks n < 3', () => {
    const [twoRow, manyRow] = statsJsonRows([two, many]);
    assert.deepEqual(twoRow!.meanAccuracyCI, two.meanAccuracyCI);
    assert.equal(twoRow!.meanAccuracyCISmallSample, true);
    assert.equal(manyRow!.meanAccuracyCISmallSample, false);
  });
});
