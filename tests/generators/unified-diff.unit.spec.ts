import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyUnifiedDiff, createUnifiedDiff, DiffApplyError } from '../../domain/generators/unified-diff';
import { initialTheta, sampleDecisions } from '../../domain/generators/grammar';
import { mutateDecisions } from '../../domain/generators/grammar-mutation';
import { renderProgram } from '../../domain/generators/grammar-render';
import { seededRng } from '../../domain/generators/rng';

const PARENT = ['import torch', 'a = 1', 'b = 2', 'c = 3', 'd = 4', 'e = 5', 'f = 6', 'g = 7', 'h = 8', 'i = 9', 'j = 10', ''].join('\n');

describe('creating and applying unified diffs', () => {
  it('round-trips random grammar mutations exactly', () => {
    const rng = seededRng(1);
    const theta = initialTheta();
    for (let i = 0; i < 60; i += 1) {
      const parent = sampleDecisions(theta, rng);
      const a = renderProgram(parent);
      const b = renderProgram(mutateDecisions(parent, theta, rng));
      const diff = createUnifiedDiff(a, b);
      if (a === b) { assert.equal(diff, ''); continue; }
      assert.equal(applyUnifiedDiff(a, diff), b);
    }
  });

  it('writes standard hunks with three lines of context', () => {
    const child = PARENT.replace('e = 5', 'e = 50');
    assert.equal(createUnifiedDiff(PARENT, child), [
      '--- a/parent.py', '+++ b/candidate.py', '@@ -3,7 +3,7 @@', ' b = 2', ' c = 3', ' d = 4', '-e = 5', '+e = 50', ' f = 6', ' g = 7', ' h = 8', '',
    ].join('\n'));
  });

  it('handles insertions at the start, deletions at the end and pure additions', () => {
    const child = 'import math\n' + PARENT.replace('j = 10\n', '') + 'k = 11\nl = 12\n';
    assert.equal(applyUnifiedDiff(PARENT, createUnifiedDiff(PARENT, child)), child);
    assert.equal(applyUnifiedDiff('', createUnifiedDiff('', 'x = 1\n')), 'x = 1\n');
  });
});

describe('the strict applier refuses', () => {
  const diff = createUnifiedDiff(PARENT, PARENT.replace('e = 5', 'e = 50').replace('i = 9', 'i = 90'));
  const refuses = (text: string, pattern: RegExp) =>
    assert.throws(() => applyUnifiedDiff(PARENT, text), (e: unknown) => e instanceof DiffApplyError && pattern.test(e.message));

  it('a context line that does not match the parent exactly', () => refuses(diff.replace(' d = 4', ' d = 4 '), /line 5 of the parent is "d = 4"/));
  it('a hunk at the wrong position (no fuzz, no offset search)', () => refuses(diff.replace('@@ -3,9 +3,9', '@@ -2,9 +2,9'), /line 2 of the parent is "a = 1", the diff expects "b = 2"/));
  it('a header whose counts disagree with the body', () => refuses(diff.replace('@@ -3,9 +3,9 @@', '@@ -3,8 +3,9 @@'), /header says/));
  it('hunks out of order', () => {
    const twoHunks = createUnifiedDiff(PARENT, PARENT.replace('a = 1', 'a = 0').replace('j = 10', 'j = 0'), { context: 1 });
    const parts = twoHunks.split(/(?=^@@)/m);
    assert.equal(parts.length, 3, twoHunks);
    refuses(parts[0]! + parts[2]! + parts[1]!, /before the end of the previous hunk/);
  });
  it('a hunk past the end of the parent', () => refuses('@@ -20,1 +20,1 @@\n-x\n+y\n', /parent has 11/));
  it('text that is not a diff', () => refuses('Sure! Here is the improved model.\n', /before the first hunk/));
  it('a diff without hunks', () => refuses('--- a/parent.py\n+++ b/candidate.py\n', /no hunks/));
});
