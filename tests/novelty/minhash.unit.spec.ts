import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_NOVELTY } from '../../domain/experiment/config';
import { decodeSignature, encodeSignature, estimateJaccard, EMPTY_SLOT, isEmptySignature, MinHasher } from '../../domain/novelty/minhash';
import { exactJaccard, hashShingles, hashTokens, shingleCount, shingleSet } from '../../domain/novelty/shingles';
import { TextSigner } from '../../domain/novelty/text-signature';
import { LedgerError } from '../../domain/shared/ledger-error';
import { mutate, randomTokens, rng } from './generated-sets';

const signer = new TextSigner(DEFAULT_NOVELTY);

describe('shingles and exact Jaccard', () => {
  it('computes exact Jaccard of k-shingle sets on small cases', () => {
    const a = shingleSet(['a', 'b', 'c', 'd', 'e'], 3);       // abc bcd cde
    const b = shingleSet(['a', 'b', 'c', 'd', 'x'], 3);       // abc bcd cdx
    assert.equal(a.size, 3);
    assert.equal(exactJaccard(a, b), 2 / 4);
    assert.equal(exactJaccard(a, a), 1);
    assert.equal(exactJaccard(a, shingleSet(['x', 'y', 'z'], 3)), 0);
    // Repeated shingles count once: "a b a b a b" has shingles {aba, bab}.
    assert.equal(shingleSet(['a', 'b', 'a', 'b', 'a', 'b'], 3).size, 2);
  });

  it('gives a program shorter than k one shingle of all its tokens, and an empty program none', () => {
    assert.equal(shingleCount(4, 10), 1);
    assert.equal(shingleCount(0, 10), 0);
    assert.equal(shingleCount(10, 10), 1);
    assert.equal(shingleCount(12, 10), 3);
    assert.deepEqual([...shingleSet(['x', '=', '1'], 10)], ['x\u0000=\u00001']);
    assert.equal(exactJaccard(shingleSet([], 10), shingleSet([], 10)), 0);
  });
});

describe('MinHash', () => {
  it('computes min_j (a_k * h_j + b_k) mod 2^32 for every permutation, in the SIMD kernel and the scalar loop alike', () => {
    const next = rng(3);
    for (const [permutations, size] of [[256, 0], [256, 1], [256, 9], [256, 700], [260, 333], [16, 50]] as const) {
      const hasher = new MinHasher(permutations, 9);
      const h = new Uint32Array(size).map(() => Math.floor(next() * 2 ** 32));
      const expected = new Uint32Array(permutations);
      for (let k = 0; k < permutations; k++) {
        let min = EMPTY_SLOT;
        for (const x of h) min = Math.min(min, (Math.imul(hasher.a[k]!, x) + hasher.b[k]!) >>> 0);
        expected[k] = min;
      }
      assert.deepEqual(hasher.signScalar(h), expected, `scalar, ${permutations} permutations, ${size} shingles`);
      assert.deepEqual(hasher.sign(h), expected, `sign(), ${permutations} permutations, ${size} shingles`);
      assert.deepEqual(new MinHasher(permutations, 9, { simd: false }).sign(h), expected);
    }
    assert.equal(new MinHasher(256, 1).simd, true, 'node 20 runs WebAssembly SIMD; the fast path must be active');
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const hashes = hashShingles(hashTokens(randomTokens(rng(1), 300)), 10);
    const s1 = new MinHasher(256, 1).sign(hashes);
    assert.deepEqual(new MinHasher(256, 1).sign(hashes), s1);
    assert.notDeepEqual(new MinHasher(256, 2).sign(hashes), s1);
  });

  it('estimates Jaccard within 3 standard deviations of the exact value across a spread of pairs', () => {
    const next = rng(7);
    const results: { exact: number; estimate: number }[] = [];
    for (let pair = 0; pair < 60; pair++) {
      const base = randomTokens(next, 200 + Math.floor(next() * 400));
      const other = mutate(next, base, Math.floor(next() * 60));
      const exact = exactJaccard(signer.shingles(base), signer.shingles(other));
      const estimate = estimateJaccard(signer.signTexts(base), signer.signTexts(other));
      results.push({ exact, estimate });
      const sigma = Math.max(Math.sqrt(exact * (1 - exact) / 256), 1 / 256);
      assert.ok(Math.abs(estimate - exact) <= 3 * sigma, `pair ${pair}: exact ${exact.toFixed(3)} estimate ${estimate.toFixed(3)} (3σ = ${(3 * sigma).toFixed(3)})`);
    }
    const exacts = results.map((r) => r.exact);
    assert.ok(Math.min(...exacts) < 0.3 && Math.max(...exacts) > 0.9, 'the pairs should span low to high similarity');
    const meanError = results.reduce((s, r) => s + (r.estimate - r.exact), 0) / results.length;
    assert.ok(Math.abs(meanError) < 0.02, `estimator bias ${meanError}`);
  });

  it('gives the empty program the empty signature, similar to nothing', () => {
    const empty = signer.sign('# nothing here\n');
    assert.equal(empty.tokenCount, 0);
    assert.ok(isEmptySignature(empty.signature));
    assert.equal(empty.signature[0], EMPTY_SLOT);
    assert.equal(estimateJaccard(empty.signature, empty.signature), 0);
    assert.equal(estimateJaccard(empty.signature, signer.sign('x = 1\n').signature), 0);
  });

  it('gives short programs (< k tokens) a signature that matches only the identical program', () => {
    const a = signer.sign('x = 1\n');
    assert.equal(a.tokenCount, 4);
    assert.equal(estimateJaccard(a.signature, signer.sign('x  =  1  # same\n').signature), 1);
    assert.ok(estimateJaccard(a.signature, signer.sign('x = 2\n').signature) < 0.05);
  });

  it('round-trips signatures through base64 of little-endian uint32 and rejects malformed ones', () => {
    const sig = signer.sign('import torch\nx = torch.zeros(3)\n').signature;
    const text = encodeSignature(sig);
    assert.equal(Buffer.from(text, 'base64').length, 1024);
    assert.equal(Buffer.from(text, 'base64').readUInt32LE(4), sig[1]);
    assert.deepEqual(decodeSignature(text, 256), sig);
    assert.throws(() => decodeSignature('abc', 256), (e: unknown) => e instanceof LedgerError && e.code === 'BAD_INPUT');
    assert.throws(() => decodeSignature(text, 128), (e: unknown) => e instanceof LedgerError && e.code === 'BAD_INPUT');
  });
});
