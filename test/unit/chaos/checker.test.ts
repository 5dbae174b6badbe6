/**
 * The chaos checker must catch what it exists to catch: a lost acknowledged write, a duplicated
 * row, a stale upsert, an undone delete and a corrupted payload, while accepting both outcomes
 * of a write that was never acknowledged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { check } from '../../chaos/checker.ts';
import { ABSENT, History } from '../../chaos/history.ts';
import { rowOf, verifiedVersion } from '../../chaos/payload.ts';

/** Keys 1-3 inserted (acked), key 2 upserted to v2 (acked), key 3 deleted (acked). */
function baseHistory(): History {
  const h = new History();
  h.record('insert', [[1, 1], [2, 1], [3, 1]], 'acked');
  h.record('upsert', [[2, 2]], 'acked');
  h.record('delete', [[3, ABSENT]], 'acked');
  return h;
}

describe('chaos checker', () => {
  it('accepts a store that holds exactly the acknowledged state', () => {
    const r = check(baseHistory().keys, { rows: [rowOf(1, 1), rowOf(2, 2)], countStar: 2 });
    assert.equal(r.ok, true, r.problems.join('\n'));
    assert.deepEqual([r.lost, r.duplicated, r.corrupted, r.unexpected], [0, 0, 0, 0]);
    assert.deepEqual(r.countBounds, [2, 2]);
  });

  it('counts a missing acknowledged insert as lost', () => {
    const r = check(baseHistory().keys, { rows: [rowOf(2, 2)], countStar: 1 });
    assert.equal(r.ok, false);
    assert.equal(r.lost, 1);
    assert.match(r.problems.join('\n'), /key 1: LOST/);
  });

  it('counts a stale upsert and an undone delete as lost', () => {
    const r = check(baseHistory().keys, { rows: [rowOf(1, 1), rowOf(2, 1), rowOf(3, 1)], countStar: 3 });
    assert.equal(r.lost, 2);
    assert.equal(r.ok, false);
  });

  it('counts a key returned twice, and rows only count(*) sees, as duplicated', () => {
    const twice = check(baseHistory().keys, { rows: [rowOf(1, 1), rowOf(1, 1), rowOf(2, 2)], countStar: 3 });
    assert.equal(twice.duplicated, 2, twice.problems.join('\n'));
    assert.equal(twice.ok, false);
    const hidden = check(baseHistory().keys, { rows: [rowOf(1, 1), rowOf(2, 2)], countStar: 3 });
    assert.equal(hidden.duplicated, 1);
    assert.equal(hidden.lost, 0);
    assert.equal(hidden.ok, false);
  });

  it('allows both outcomes of unacknowledged writes, never calling them lost', () => {
    const h = baseHistory();
    h.record('insert', [[4, 1]], 'ambiguous');
    h.record('upsert', [[1, 2]], 'failed');
    for (const rows of [[rowOf(1, 1), rowOf(2, 2)], [rowOf(1, 2), rowOf(2, 2), rowOf(4, 1)]]) {
      const r = check(h.keys, { rows, countStar: rows.length });
      assert.equal(r.ok, true, r.problems.join('\n'));
      assert.equal(r.lost, 0);
    }
    assert.equal(check(h.keys, { rows: [rowOf(1, 2), rowOf(2, 2), rowOf(4, 1)], countStar: 3 }).unackedApplied, 2);
  });

  it('rejects a payload whose checksum does not match, and keys never written', () => {
    const bad = { ...rowOf(1, 1), payload: rowOf(1, 1).payload.replace(/.$/, (c) => (c === '0' ? '1' : '0')) };
    assert.equal(verifiedVersion(bad), null);
    const r = check(baseHistory().keys, { rows: [bad, rowOf(2, 2), rowOf(99, 1)], countStar: 3 });
    assert.equal(r.corrupted, 1);
    assert.equal(r.unexpected, 1);
    assert.equal(r.ok, false);
  });

  it('verifies a row read back with string ids and its vector', () => {
    const row = rowOf(12345, 3);
    assert.equal(verifiedVersion({ ...row, id: '12345', version: '3' }), 3);
    // Servers print float32 values in their shortest form, not the float64 one.
    const short = row.vector.map((x) => Number(x.toPrecision(9)).toString()).map(Number);
    assert.equal(verifiedVersion({ ...row, vector: short }), 3);
    assert.equal(verifiedVersion({ ...row, vector: row.vector.map((x, i) => (i === 0 ? x + 1 : x)) }), null);
  });
});
