import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuiverError } from '../../../src/shared/errors.ts';
import type { MetricType, VectorColumn } from '../../../src/shared/schema/types.ts';
import { FlatIndex, flatSearch } from '../../../src/shared/vector/flat.ts';
import { inRange } from '../../../src/shared/vector/metrics.ts';
import { TopK } from '../../../src/shared/vector/top-k.ts';
import { naiveSearch, randomColumn, vectorAt } from './helpers.ts';

const CASES: { kind: VectorColumn['kind']; dim: number; metrics: MetricType[] }[] = [
  { kind: 'f32', dim: 19, metrics: ['L2', 'IP', 'COSINE'] },
  { kind: 'i8', dim: 16, metrics: ['L2', 'IP', 'COSINE'] },
  { kind: 'b1', dim: 64, metrics: ['HAMMING', 'JACCARD'] },
];

function assertSameHits(
  got: { rows: Int32Array; scores: number[] },
  want: { rows: number[]; scores: number[] },
  label: string,
): void {
  assert.deepEqual(Array.from(got.rows), want.rows, label);
  got.scores.forEach((s, i) => assert.ok(Math.abs(s - want.scores[i]) < 1e-9 * Math.max(1, Math.abs(s)), `${label} score ${i}`));
}

describe('flat search vs naive reference', () => {
  for (const { kind, dim, metrics } of CASES) {
    const col = randomColumn(kind, 500, dim, 11);
    const queries = randomColumn(kind, 4, dim, 12);
    for (const metric of metrics) {
      it(`${kind} ${metric}: top-k, predicate, range`, () => {
        const index = new FlatIndex(col, metric);
        const plain = index.search(queries, 10);
        const odd = (row: number) => row % 3 === 1;
        const filtered = index.search(queries, 7, { accept: odd });
        assert.equal(plain.length, 4);
        for (let q = 0; q < 4; q++) {
          const qv = vectorAt(queries, q);
          assertSameHits(plain[q], naiveSearch(col, metric, qv, 10), `${metric} q${q}`);
          assertSameHits(filtered[q], naiveSearch(col, metric, qv, 7, (r) => odd(r)), `${metric} filtered q${q}`);
          // Bounds come from the reference ranking so that rows fall on each side. Where scores
          // are exact (integer kernels, Jaccard) they sit on a row's score, testing inclusivity;
          // where rounding may differ (float, cosine) they sit between two rows.
          const ranked = naiveSearch(col, metric, qv, 500).scores;
          const exact = kind !== 'f32' && metric !== 'COSINE';
          const at = (i: number) => (exact ? ranked[i] : (ranked[i] + ranked[i - 1]) / 2);
          const range = metric === 'L2' || metric === 'HAMMING' || metric === 'JACCARD'
            ? { rangeFilter: at(5), radius: at(60) }
            : { radius: at(60), rangeFilter: at(5) };
          const ranged = index.search(queries, 1000, { ...range, accept: odd })[q];
          assertSameHits(ranged, naiveSearch(col, metric, qv, 1000, (r, s) => odd(r) && inRange(metric, s, range)), `${metric} range q${q}`);
          assert.ok(ranged.rows.length > 0 && ranged.rows.length < 60);
        }
      });
    }
  }
});

describe('flat search edge cases', () => {
  const col = randomColumn('f32', 20, 8, 3);
  it('k larger than the segment returns every row, k = 0 none', () => {
    const hits = flatSearch(col, 'L2', randomColumn('f32', 1, 8, 4), 100)[0];
    assert.equal(hits.rows.length, 20);
    assert.deepEqual(new Set(hits.rows), new Set(Array.from({ length: 20 }, (_, i) => i)));
    for (let i = 1; i < hits.scores.length; i++) assert.ok(hits.scores[i - 1] <= hits.scores[i]);
    assert.equal(flatSearch(col, 'L2', randomColumn('f32', 1, 8, 4), 0)[0].rows.length, 0);
  });
  it('ties are broken by the smaller row', () => {
    const dup: VectorColumn = { kind: 'f32', dim: 2, data: new Float32Array([1, 0, 0, 1, 1, 0, 1, 0, 0, 1]) };
    const q: VectorColumn = { kind: 'f32', dim: 2, data: new Float32Array([1, 0]) };
    assert.deepEqual(Array.from(flatSearch(dup, 'IP', q, 5)[0].rows), [0, 2, 3, 1, 4]);
    assert.deepEqual(Array.from(flatSearch(dup, 'L2', q, 3)[0].rows), [0, 2, 3]);
  });
  it('a predicate rejecting everything returns nothing; zero vectors score 0 under COSINE', () => {
    assert.equal(flatSearch(col, 'IP', randomColumn('f32', 1, 8, 4), 5, { accept: () => false })[0].rows.length, 0);
    const z: VectorColumn = { kind: 'f32', dim: 2, data: new Float32Array([0, 0, 1, 1]) };
    const hits = flatSearch(z, 'COSINE', { kind: 'f32', dim: 2, data: new Float32Array([1, 1]) }, 2)[0];
    assert.deepEqual(Array.from(hits.rows), [1, 0]);
    assert.ok(Math.abs(hits.scores[0] - 1) < 1e-12);
    assert.equal(hits.scores[1], 0);
  });
  it('rejects queries of another kind or dimension, ragged data and wrong metrics', () => {
    assert.throws(() => flatSearch(col, 'L2', randomColumn('f32', 1, 4, 4), 1), QuiverError);
    assert.throws(() => flatSearch(col, 'L2', randomColumn('i8', 1, 8, 4), 1), QuiverError);
    assert.throws(() => flatSearch(col, 'L2', { kind: 'f32', dim: 8, data: new Float32Array(12) }, 1), QuiverError);
    assert.throws(() => new FlatIndex(col, 'HAMMING'), QuiverError);
    assert.throws(() => new FlatIndex({ kind: 'f32', dim: 8, data: new Float32Array(9) }, 'L2'), QuiverError);
  });
  it('an empty segment answers every query with no hits', () => {
    const empty: VectorColumn = { kind: 'f32', dim: 8, data: new Float32Array(0) };
    const out = flatSearch(empty, 'COSINE', randomColumn('f32', 3, 8, 4), 10);
    assert.deepEqual(out.map((h) => h.rows.length), [0, 0, 0]);
  });
});

describe('TopK', () => {
  it('keeps the k smallest costs, ties by smaller row, and drains best first', () => {
    const heap = new TopK(3);
    const input: [number, number][] = [[5, 0], [1, 1], [3, 2], [1, 3], [0, 4], [3, 5], [NaN, 6], [9, 7]];
    for (const [cost, row] of input) heap.push(cost, row);
    const out = heap.drain('L2');
    assert.deepEqual(Array.from(out.rows), [4, 1, 3]);
    assert.deepEqual(out.scores, [0, 1, 1]);
    assert.equal(heap.size, 0);
    for (const [cost, row] of input) heap.push(cost, row);
    assert.deepEqual(heap.drain('IP').scores, [-0, -1, -1]);
  });
});
