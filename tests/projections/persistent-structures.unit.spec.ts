import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as vector from '../../projections/shared/persistent-vector';
import * as map from '../../projections/shared/persistent-map';

/** Deterministic pseudo-random integers for the operation sequences. */
function rng(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % below;
  };
}

describe('persistent vector', () => {
  it('agrees with an array through 40,000 pushes and random replacements, across three trie levels', () => {
    const random = rng(7);
    let v = vector.emptyVector<number>();
    const expected: number[] = [];
    for (let i = 0; i < 40_000; i++) {
      v = vector.push(v, i);
      expected.push(i);
      if (random(4) === 0) {
        const at = random(expected.length);
        v = vector.set(v, at, -i);
        expected[at] = -i;
      }
    }
    assert.equal(v.length, expected.length);
    assert.deepEqual(vector.toArray(v), expected);
    for (const at of [0, 31, 32, 1023, 1024, 1055, 1056, 32_767, 32_768, 39_999]) assert.equal(vector.get(v, at), expected[at]);
    assert.equal(vector.get(v, 40_000), undefined);
    assert.equal(vector.get(v, -1), undefined);
    assert.throws(() => vector.set(v, 40_000, 1), RangeError);
  });

  it('leaves every earlier version as it was', () => {
    const versions: vector.PersistentVector<string>[] = [vector.emptyVector()];
    for (let i = 0; i < 3000; i++) versions.push(vector.push(versions[i]!, `e${i}`));
    const replaced = vector.set(versions[2000]!, 5, 'changed');
    versions.forEach((v, n) => assert.deepEqual(vector.toArray(v), Array.from({ length: n }, (_, i) => `e${i}`)));
    assert.equal(vector.get(replaced, 5), 'changed');
  });

  it('survives a JSON round trip (a snapshot) and keeps growing from it', () => {
    const v = vector.vectorOf(Array.from({ length: 1500 }, (_, i) => i));
    const restored = JSON.parse(JSON.stringify(v)) as vector.PersistentVector<number>;
    assert.deepEqual(vector.toArray(vector.push(restored, 1500)), Array.from({ length: 1501 }, (_, i) => i));
  });
});

describe('persistent map', () => {
  it('agrees with a Map through 60,000 random sets of 20,000 keys, and old versions stay intact', () => {
    const random = rng(11);
    let m = map.emptyMap<number>();
    const expected = new Map<string, number>();
    const checkpoints: Array<[map.PersistentMap<number>, Map<string, number>]> = [];
    for (let i = 0; i < 60_000; i++) {
      const key = `exp-1.c${random(22)}.${random(1000)}`;
      m = map.set(m, key, i);
      expected.set(key, i);
      if (i % 15_000 === 0) checkpoints.push([m, new Map(expected)]);
    }
    for (const [version, contents] of [...checkpoints, [m, expected] as const]) {
      assert.equal(version.size, contents.size);
      for (const [key, value] of contents) assert.equal(map.get(version, key), value);
      assert.deepEqual(map.values(version).sort((a, b) => a - b), [...contents.values()].sort((a, b) => a - b));
    }
    assert.equal(map.get(m, 'absent'), undefined);
    assert.equal(map.has(m, 'absent'), false);
  });

  it('returns the same map when a key is set to the value it has', () => {
    const m = map.set(map.set(map.emptyMap<string>(), 'a', 'x'), 'b', 'y');
    assert.equal(map.set(m, 'a', 'x'), m);
  });

  it('keeps keys whose 32-bit hashes collide apart', () => {
    const seen = new Map<number, string>();
    let pair: [string, string] | null = null;
    for (let i = 0; pair === null && i < 2_000_000; i++) {
      const key = `cand-${i}`;
      const hash = map.keyHash(key);
      const other = seen.get(hash);
      if (other !== undefined) pair = [other, key];
      else seen.set(hash, key);
    }
    assert.ok(pair, 'no colliding pair found to test with');
    const [a, b] = pair;
    let m = map.set(map.set(map.emptyMap<string>(), a, 'first'), 'neighbour', 'n');
    m = map.set(m, b, 'second');
    m = map.set(m, a, 'first again');
    assert.equal(m.size, 3);
    assert.equal(map.get(m, a), 'first again');
    assert.equal(map.get(m, b), 'second');
    assert.equal(map.get(m, 'neighbour'), 'n');
    const restored = JSON.parse(JSON.stringify(m)) as map.PersistentMap<string>;
    assert.equal(map.get(restored, b), 'second');
  });
});
