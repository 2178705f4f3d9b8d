import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_NOVELTY } from '../../domain/experiment/config';
import { SignatureSet } from '../../domain/novelty/lsh-index';
import { optimalBands } from '../../domain/novelty/lsh-parameters';
import { estimateJaccard } from '../../domain/novelty/minhash';
import { exactJaccard } from '../../domain/novelty/shingles';
import { TextSigner } from '../../domain/novelty/text-signature';
import { NoveltyIndex } from '../../domain/novelty/novelty-index';
import { mutate, randomTokens, rng } from './generated-sets';

const signer = new TextSigner(DEFAULT_NOVELTY);

describe('LSH band parameters', () => {
  it("reproduces datasketch 2.0.0's _optimal_param (reference values printed by datasketch itself)", () => {
    // (threshold, permutations) -> (b, r) from datasketch.lsh._optimal_param(t, p, 0.5, 0.5), datasketch 2.0.0.
    const reference: [number, number, number, number][] = [
      [0.85, 256, 13, 19], [0.9, 256, 9, 28], [0.5, 128, 25, 5], [0.8, 128, 9, 13],
      [0.7, 64, 8, 8], [0.85, 128, 8, 16], [0.95, 256, 5, 51], [0.3, 256, 64, 4],
    ];
    for (const [t, p, b, r] of reference) {
      const got = optimalBands(t, p);
      assert.deepEqual([got.bands, got.rows], [b, r], `threshold ${t}, ${p} permutations`);
    }
  });
});

interface Pair { base: Uint32Array; copy: Uint32Array; exact: number }

/** Pairs whose exact shingle Jaccard is spread over [0.9, 1]: random programs and copies with a few token edits. */
function generatedPairs(count: number): Pair[] {
  const next = rng(11);
  const pairs: Pair[] = [];
  while (pairs.length < count) {
    const base = randomTokens(next, 300 + Math.floor(next() * 300));
    const copy = mutate(next, base, Math.floor(next() * 4));
    const exact = exactJaccard(signer.shingles(base), signer.shingles(copy));
    if (exact < 0.9) continue;
    pairs.push({ base: signer.signTexts(base), copy: signer.signTexts(copy), exact });
  }
  return pairs;
}

function recall(pairs: readonly Pair[], threshold: number): { recall: number; expected: number } {
  const { bands, rows } = optimalBands(threshold, 256);
  const set = new SignatureSet(256, bands, rows, 0);
  pairs.forEach((p, i) => set.add(`e${i}`, p.base));
  let found = 0;
  let expected = 0;
  pairs.forEach((p, i) => {
    if (set.lshCandidates(p.copy).includes(`e${i}`)) found++;
    expected += 1 - (1 - p.exact ** rows) ** bands;
  });
  return { recall: found / pairs.length, expected: expected / pairs.length };
}

const bands13 = optimalBands(0.85, 256);

describe('LSH recall on a generated set', () => {
  const pairs = generatedPairs(1500);

  it('spans J from 0.9 to 1', () => {
    const js = pairs.map((p) => p.exact);
    assert.ok(Math.min(...js) < 0.92 && Math.max(...js) === 1);
  });

  it('retrieves >= 99% of pairs with J >= 0.9 at lshThreshold 0.75 (b = 21, r = 12)', () => {
    const r = recall(pairs, 0.75);
    assert.ok(r.recall >= 0.99, `recall ${r.recall}`);
  });

  it("follows the S-curve at the paper's 0.85 (b = 13, r = 19): below 0.99 near J = 0.9, >= 0.99 at J >= 0.95", () => {
    const r = recall(pairs, 0.85);
    // The measured recall agrees with 1 - (1 - J^r)^b averaged over the pairs, within binomial noise.
    assert.ok(Math.abs(r.recall - r.expected) < 4 * Math.sqrt(r.expected * (1 - r.expected) / pairs.length) + 0.01,
      `recall ${r.recall} vs S-curve ${r.expected}`);
    const high = recall(pairs.filter((p) => p.exact >= 0.95), 0.85);
    assert.ok(high.recall >= 0.99, `recall at J >= 0.95: ${high.recall}`);
  });

  it('lets NoveltyIndex (default settings: exact scan below 20k rows) find the source of >= 99% of the copies', () => {
    const index = new NoveltyIndex(DEFAULT_NOVELTY);
    pairs.forEach((p, i) => index.addCorpusEntry(`e${i}`, p.base));
    let found = 0;
    pairs.forEach((p, i) => {
      const r = index.assess(`copy${i}`, i + 1, p.copy);
      if (r.nearestTrainId === `e${i}` && r.retrieval === 'exact') found++;
    });
    assert.ok(found / pairs.length >= 0.99, `found ${found} of ${pairs.length}`);
  });

  it('finds the same nearest row with the pruned exact scan as by comparing every slot, ties going to the earliest row', () => {
    const next = rng(21);
    const set = new SignatureSet(256, bands13.bands, bands13.rows, Infinity);
    const rowsSigs: Uint32Array[] = [];
    const base = signer.signTexts(randomTokens(next, 300));
    for (let i = 0; i < 400; i++) {
      // Many rows share slots with `base` to various degrees, and some are exact copies of each other (ties).
      const sig = i % 7 === 0 && i > 0 ? rowsSigs[i - 7]!.slice() : base.map((v) => (next() < next() ? v : Math.floor(next() * 2 ** 32)));
      rowsSigs.push(sig);
      set.add(`r${i}`, sig);
    }
    for (let qi = 0; qi < 30; qi++) {
      const query = qi % 3 === 0 ? rowsSigs[qi * 7]! : base.map((v) => (next() < 0.7 ? v : Math.floor(next() * 2 ** 32)));
      let bestRow = -1;
      let bestJ = 0;
      rowsSigs.forEach((row, i) => { const j = estimateJaccard(query, row); if (j > bestJ) { bestJ = j; bestRow = i; } });
      assert.deepEqual(set.nearest(query).best, bestRow < 0 ? null : { id: `r${bestRow}`, jaccard: bestJ }, `query ${qi}`);
    }
  });

  it('never returns rows that share no band with the query, and verifies with the estimated Jaccard', () => {
    const { bands, rows } = optimalBands(0.85, 256);
    const set = new SignatureSet(256, bands, rows, 0);
    const next = rng(5);
    for (let i = 0; i < 300; i++) set.add(`r${i}`, signer.signTexts(randomTokens(next, 300)));
    const probe = signer.signTexts(randomTokens(next, 300));
    assert.deepEqual(set.lshCandidates(probe), []);
    assert.equal(set.nearest(probe).best, null);
    const copy = set.signatureOf('r42')!;
    const hit = set.nearest(copy);
    assert.deepEqual(hit, { best: { id: 'r42', jaccard: estimateJaccard(copy, copy) }, retrieval: 'lsh' });
  });
});
