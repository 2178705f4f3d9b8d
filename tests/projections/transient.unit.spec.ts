import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as vector from '../../projections/shared/persistent-vector';
import * as map from '../../projections/shared/persistent-map';
import { assoc, withTransientFold } from '../../projections/shared/transient';

/** Deterministic pseudo-random integers for the operation sequences. */
function rng(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % below;
  };
}

/** Two keys whose full 32-bit hashes are equal (so they sit in one collision node). */
function collidingPair(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; i < 2_000_000; i++) {
    const key = `cand-${i}`;
    const other = seen.get(map.keyHash(key));
    if (other !== undefined) return [other, key];
    seen.set(map.keyHash(key), key);
  }
  throw new Error('no colliding pair found to test with');
}

describe('transient folds', () => {
  it('update what the fold created in place, and copy nothing outside a fold', () => {
    withTransientFold(() => {
      const m1 = map.set(map.emptyMap<number>(), 'a', 1);
      assert.equal(map.set(m1, 'b', 2), m1, 'a map the fold created was copied');
      const v1 = vector.push(vector.emptyVector<number>(), 1);
      assert.equal(vector.push(v1, 2), v1, 'a vector the fold created was copied');
      const r1 = assoc<number>({}, 'a', 1);
      assert.equal(assoc(r1, 'b', 2), r1, 'a record the fold created was copied');
    });
    const m1 = map.set(map.emptyMap<number>(), 'a', 1);
    assert.notEqual(map.set(m1, 'b', 2), m1);
    const v1 = vector.push(vector.emptyVector<number>(), 1);
    assert.notEqual(vector.push(v1, 2), v1);
    const r1 = assoc<number>({}, 'a', 1);
    assert.notEqual(assoc(r1, 'b', 2), r1);
    assert.deepEqual(r1, { a: 1 });
  });

  it('agree with a Map and an array, never change their input, and leave the result immutable once closed', () => {
    const random = rng(5);
    const [a, b] = collidingPair();
    let inputMap = map.set(map.emptyMap<number>(), a, -1);
    let inputVector = vector.emptyVector<number>();
    for (let i = 0; i < 3_000; i++) {
      inputMap = map.set(inputMap, `k${random(2_000)}`, i);
      inputVector = vector.push(inputVector, i);
    }
    const inputJson = JSON.stringify([inputMap, inputVector]);
    const expectedMap = new Map(map.entries(inputMap));
    const expectedArray = vector.toArray(inputVector);
    const [m, v] = withTransientFold(() => {
      let m = inputMap;
      let v = inputVector;
      for (let i = 0; i < 40_000; i++) {
        const key = i === 20_000 ? b : `k${random(6_000)}`;
        m = map.set(m, key, i);
        expectedMap.set(key, i);
        if (random(3) === 0) {
          const at = random(v.length);
          v = vector.set(v, at, -i);
          expectedArray[at] = -i;
        } else {
          v = vector.push(v, i);
          expectedArray.push(i);
        }
      }
      return [m, v] as const;
    });
    assert.equal(JSON.stringify([inputMap, inputVector]), inputJson, 'the fold changed its input');
    assert.equal(m.size, expectedMap.size);
    for (const [key, value] of expectedMap) assert.equal(map.get(m, key), value);
    assert.deepEqual(vector.toArray(v), expectedArray);

    const closed = JSON.stringify([m, v]);
    withTransientFold(() => {
      let later = m;
      let laterVector = v;
      for (let i = 0; i < 5_000; i++) {
        later = map.set(later, `k${random(6_000)}`, -i);
        laterVector = vector.push(vector.set(laterVector, random(laterVector.length), i), i);
      }
    });
    map.set(m, a, 99);
    vector.push(v, 99);
    assert.equal(JSON.stringify([m, v]), closed, 'a later fold or update changed a closed fold\'s result');
  });

  it('a nested fold does not change its input even when the enclosing fold created it', () => {
    withTransientFold(() => {
      const outer = map.set(map.set(map.emptyMap<number>(), 'a', 1), 'b', 2);
      const before = JSON.stringify(outer);
      const inner = withTransientFold(() => map.set(map.set(outer, 'c', 3), 'a', 10));
      assert.equal(JSON.stringify(outer), before);
      assert.equal(map.get(inner, 'a'), 10);
      assert.equal(map.set(outer, 'd', 4), outer, 'the enclosing fold lost ownership after the nested one');
    });
  });
});
