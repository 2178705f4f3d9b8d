/**
 * Thm 7 on constructed ledgers: a corpus whose admitted programs nearly coincide (exact Jaccard above τ, as a MinHash
 * estimate just under τ could let through) is caught and the pair named; a corpus of distinct programs passes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { foldEvents } from '../../projections/shared/projection';
import { theoryProjection } from '../../projections/theory/evolve';
import { thm7Row, theoryRows } from '../../projections/theory/query';
import { LedgerBuilder, signature } from './support/hand-built';
import type { HistoryEvent } from '../support/ledger-fixtures';

const G0 = { id: 'grammar', version: 'g0' };

/** A program of `lines` assignments; `tail` changes only its last line. */
const program = (name: string, lines: number, tail = 'done'): string =>
  [`def ${name}():`, ...Array.from({ length: lines }, (_, i) => `    layer_${i} = conv(${i}, ${i + 1})`), `    return ${tail}`].join('\n') + '\n';

function ledger(codes: readonly string[]): { recorded: RecordedEvent[]; ids: string[] } {
  const b = new LedgerBuilder('exp-sep').register().seed(['alpha']).start(1, G0, 1);
  codes.forEach((_, i) => b.generate(1, i, G0));
  codes.forEach((_, i) => b.evaluate(1, i, 0.8).novelty(1, i, 0.1, signature(10, i + 1)).admit(1, i, 0.8));
  b.complete(1, codes.length, codes.length, 1 + codes.length);
  const ids = codes.map((_, i) => b.id(1, i));
  // The builder writes a placeholder program; give each candidate the source under test.
  const withCode = b.events.map((h): HistoryEvent => (h.event.type === 'CandidateGenerated'
    ? { ...h, event: { ...h.event, data: { ...h.event.data, code: codes[h.event.data.index]! } } } : h));
  b.events.splice(0, b.events.length, ...withCode);
  return { recorded: b.recorded(), ids };
}

describe('Thm 7 δ-separation, checked with the exact Jaccard on every admitted pair', () => {
  it('catches a corpus with two admitted programs closer than δ = 1 − τ and names the pair', () => {
    const { recorded, ids } = ledger([program('net', 40), program('net', 40, 'done + 0'), program('other', 3, 'x')]);
    const view = foldEvents(theoryProjection, recorded);
    const row = thm7Row(view, ['exp-sep']);
    assert.equal(row.verdict, 'inconsistent');
    const violations = row.figures.violations as { a: string; b: string; jaccard: number }[];
    assert.equal(violations.length, 1);
    assert.deepEqual([violations[0]!.a, violations[0]!.b], [ids[0], ids[1]]);
    assert.ok(violations[0]!.jaccard > 0.9, `J = ${violations[0]!.jaccard}`);
    assert.match(row.observed, new RegExp(`${ids[0]!.replace(/\./g, '\\.')} ~ ${ids[1]!.replace(/\./g, '\\.')}`));
  });

  it('passes a corpus of distinct programs, with admissions in the cycle', () => {
    const { recorded } = ledger([program('net', 40), program('wide', 12, 'y'), program('other', 3, 'x')]);
    const row = thm7Row(foldEvents(theoryProjection, recorded), ['exp-sep']);
    assert.equal(row.verdict, 'consistent', row.observed);
    assert.deepEqual(row.figures.violations, []);
  });

  it('says "not enough data" for Thm 2, 3, 5 and 8 on one cycle and no proxy study', () => {
    const { recorded } = ledger([program('net', 40)]);
    const rows = theoryRows(foldEvents(theoryProjection, recorded), ['exp-sep'], null, null);
    assert.deepEqual(rows.map((r) => [r.result, r.verdict]), [
      ['Thm 2', 'not enough data'], ['Thm 3', 'not enough data'], ['Thm 5', 'not enough data'], ['Thm 7', 'consistent'], ['Thm 8', 'not enough data'],
    ]);
    assert.match(rows[4]!.observed, /no proxy study/);
  });
});
