import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuiverError } from '../../../src/shared/errors.ts';
import { compileFilter, FilterCache, pkEquality } from '../../../src/shared/filter/index.ts';
import { COLLECTION, makeCollection, VARCHAR_PK } from './fixtures.ts';

describe('compileFilter basics', () => {
  it('compiles empty and whitespace filters to always true', () => {
    for (const expr of ['', '   ', '\n\t ']) {
      const f = compileFilter(expr, COLLECTION);
      assert.equal(f.isAlwaysTrue, true);
      assert.equal(f.isAlwaysFalse, false);
      assert.deepEqual(f.fields, []);
      assert.equal(f.bind({ pks: [], scalars: {} })(0), true);
    }
    assert.equal(compileFilter('age > 1', COLLECTION).isAlwaysTrue, false);
  });
  it('lists the fields a filter reads', () => {
    const f = compileFilter('age > 1 and (color == "x" or uid in [1]) and array_length(int_array) + 1 == 2 and name < name', COLLECTION);
    assert.deepEqual(f.fields, ['age', '$meta', 'uid', 'int_array', 'name']);
  });
});

describe('pkEquality', () => {
  const keys = (expr: string, collection = COLLECTION): unknown => pkEquality(compileFilter(expr, collection));
  it('returns the keys of pk equality and membership filters', () => {
    assert.deepEqual(keys('uid in [1,2,3]'), [1, 2, 3]);
    assert.deepEqual(keys('uid == 7'), [7]);
    assert.deepEqual(keys('7 == uid'), [7]);
    assert.deepEqual(keys('uid == 1 or uid in [2, 1] or uid == 3'), [1, 2, 3]);
    assert.deepEqual(keys('(uid == 1) or (uid == 2)'), [1, 2]);
    assert.deepEqual(keys('uid in []'), []);
    assert.deepEqual(keys("book_id in ['a', 'b']", VARCHAR_PK), ['a', 'b']);
    assert.deepEqual(pkEquality(compileFilter('uid in {ids}', COLLECTION, { ids: [5, 6] })), [5, 6]);
  });
  it('returns null for anything else', () => {
    for (const expr of ['', 'uid > 1', 'uid != 1', 'uid not in [1]', 'uid == 1 and age > 1', 'uid == 1 or age == 1', 'age in [1]', 'not (uid == 1)', 'uid + 1 == 2']) {
      assert.equal(keys(expr), null, expr);
    }
  });
  it('handles long or-chains of keys without deep recursion', () => {
    const expr = Array.from({ length: 20000 }, (_, i) => `uid == ${i}`).join(' or ');
    const f = compileFilter(expr, COLLECTION);
    assert.equal(pkEquality(f)?.length, 20000);
    const match = f.bind({ pks: [5, 20000], scalars: {} });
    assert.deepEqual([match(0), match(1)], [true, false]);
  });
  it('returns a fresh array each time', () => {
    const f = compileFilter('uid in [1, 2]', COLLECTION);
    const a = pkEquality(f) as number[];
    a.push(99);
    assert.deepEqual(pkEquality(f), [1, 2]);
  });
});

describe('FilterCache', () => {
  it('returns the same compiled filter for the same expression, schema and params', () => {
    const cache = new FilterCache();
    const a = cache.compile('age > {x}', COLLECTION, { x: 1 });
    assert.equal(cache.compile('age > {x}', COLLECTION, { x: 1 }), a);
    assert.notEqual(cache.compile('age > {x}', COLLECTION, { x: 2 }), a);
    assert.notEqual(cache.compile('age > {x}', makeCollection({ id: 42 }), { x: 1 }), a);
    assert.equal(cache.size, 3);
  });
  it('keys on the schema, so a changed collection is not served stale plans', () => {
    const cache = new FilterCache();
    const before = makeCollection({ id: 5, dynamic: true });
    assert.equal(cache.compile('color == "x"', before).plan.op, 'cmp');
    const after = makeCollection({ id: 5, dynamic: false });
    assert.throws(() => cache.compile('color == "x"', after), (e: unknown) => e instanceof QuiverError && e.code === 1100);
  });
  it('evicts the least recently used entry', () => {
    const cache = new FilterCache({ capacity: 2 });
    const a = cache.compile('age > 1', COLLECTION);
    cache.compile('age > 2', COLLECTION);
    assert.equal(cache.compile('age > 1', COLLECTION), a); // refreshes 'age > 1'
    cache.compile('age > 3', COLLECTION); // evicts 'age > 2'
    assert.equal(cache.size, 2);
    assert.equal(cache.compile('age > 1', COLLECTION), a);
    cache.clear();
    assert.equal(cache.size, 0);
    assert.notEqual(cache.compile('age > 1', COLLECTION), a);
  });
  it('remembers errors and rethrows a fresh error each time', () => {
    const cache = new FilterCache();
    const first = (() => {
      try {
        cache.compile('age >', COLLECTION);
      } catch (e) {
        return e;
      }
    })();
    assert.ok(first instanceof QuiverError);
    assert.equal(cache.size, 1);
    assert.throws(
      () => cache.compile('age >', COLLECTION),
      (e: unknown) => e instanceof QuiverError && e !== first && e.code === 1100 && e.message === first.message,
    );
  });
  it('does not cache very long expressions or unserialisable params', () => {
    const cache = new FilterCache({ maxExprLength: 20 });
    cache.compile(`uid in [${Array.from({ length: 50 }, (_, i) => i).join(',')}]`, COLLECTION);
    const circular: Record<string, unknown> = { x: 1 };
    circular.self = circular;
    cache.compile('age > {x}', COLLECTION, circular);
    assert.equal(cache.size, 0);
  });
});
