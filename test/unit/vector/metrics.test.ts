import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Index, type MetricKind, type ScalarKind } from 'usearch';
import { QuiverError } from '../../../src/shared/errors.ts';
import {
  better,
  beyondRadius,
  compareScores,
  inRange,
  scoreFromUsearch,
  usearchFromScore,
  usearchMetric,
  validateMetric,
} from '../../../src/shared/vector/metrics.ts';
import { naiveScore } from './helpers.ts';

/** Distances usearch reports for `query` against each of `rows` (all in one small index). */
function usearchDistances(metric: string, dims: number, quant: string, rows: number[][], query: number[]): number[] {
  const index = new Index({
    dimensions: dims, metric: metric as MetricKind, quantization: quant as ScalarKind,
    connectivity: 8, expansion_add: 16, expansion_search: 16, multi: false,
  });
  index.add(BigUint64Array.from(rows, (_, i) => BigInt(i)), new Float32Array(rows.flat()), 1);
  const m = index.search(new Float32Array(query), rows.length, 1);
  const out = new Array<number>(rows.length);
  m.keys.forEach((k, i) => { out[Number(k)] = m.distances[i]; });
  return out;
}

describe('metric ordering', () => {
  it('distances ascend and similarities descend', () => {
    for (const m of ['L2', 'HAMMING', 'JACCARD'] as const) {
      assert.equal(better(m, 1, 2), true);
      assert.deepEqual([3, 1, 2].sort(compareScores(m)), [1, 2, 3]);
    }
    for (const m of ['IP', 'COSINE'] as const) {
      assert.equal(better(m, 2, 1), true);
      assert.deepEqual([3, 1, 2].sort(compareScores(m)), [3, 2, 1]);
    }
    assert.equal(better('L2', 1, 1), false);
  });
});

describe('range semantics', () => {
  it('L2/HAMMING/JACCARD keep range_filter <= d < radius', () => {
    for (const m of ['L2', 'HAMMING', 'JACCARD'] as const) {
      const r = { radius: 0.8, rangeFilter: 0.2 };
      assert.equal(inRange(m, 0.2, r), true);
      assert.equal(inRange(m, 0.5, r), true);
      assert.equal(inRange(m, 0.8, r), false);
      assert.equal(inRange(m, 0.1, r), false);
      assert.equal(inRange(m, 5, { rangeFilter: 0.2 }), true);
      assert.equal(beyondRadius(m, 0.8, r), true);
      assert.equal(beyondRadius(m, 0.79, r), false);
    }
  });
  it('IP/COSINE keep radius < s <= range_filter', () => {
    for (const m of ['IP', 'COSINE'] as const) {
      const r = { radius: 0.2, rangeFilter: 0.8 };
      assert.equal(inRange(m, 0.8, r), true);
      assert.equal(inRange(m, 0.5, r), true);
      assert.equal(inRange(m, 0.2, r), false);
      assert.equal(inRange(m, 0.9, r), false);
      assert.equal(inRange(m, -5, { rangeFilter: 0.8 }), true);
      assert.equal(beyondRadius(m, 0.2, r), true);
    }
  });
  it('rejects inverted bounds and metrics that do not fit the vector kind', () => {
    assert.throws(() => validateMetric('L2', 'f32', { radius: 1, rangeFilter: 2 }), QuiverError);
    assert.throws(() => validateMetric('COSINE', 'f32', { radius: 0.9, rangeFilter: 0.1 }), QuiverError);
    assert.throws(() => validateMetric('HAMMING', 'f32'), QuiverError);
    assert.throws(() => validateMetric('L2', 'b1'), QuiverError);
    assert.throws(() => validateMetric('FOO' as never, 'f32'), QuiverError);
    validateMetric('JACCARD', 'b1', { radius: 0.9, rangeFilter: 0.1 });
    validateMetric('IP', 'i8', { radius: 0.1, rangeFilter: 0.9 });
  });
});

describe('usearch distance conversion (checked against the binding)', () => {
  const rows = [[1, 2, 3, 4], [0.5, -1, 2, 0], [-3, 1, 0, 2]];
  const query = [1, 0, 1, -1];
  for (const metric of ['L2', 'IP', 'COSINE'] as const) {
    for (const quant of ['f32', 'f16']) {
      it(`${metric} ${quant}: Milvus score = conversion of usearch distance`, () => {
        const d = usearchDistances(usearchMetric(metric), 4, quant, rows, query);
        rows.forEach((row, i) => {
          const expected = naiveScore(metric, row, query);
          assert.ok(Math.abs(scoreFromUsearch(metric, d[i]) - expected) < 1e-5, `${metric} row ${i}: ${d[i]} vs ${expected}`);
          assert.ok(Math.abs(usearchFromScore(metric, expected) - d[i]) < 1e-5);
        });
      });
    }
  }
  for (const metric of ['HAMMING', 'JACCARD'] as const) {
    it(`${metric} b1: usearch ${usearchMetric(metric)} equals the Milvus distance`, () => {
      const bits = [
        [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      ];
      const q = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
      const d = usearchDistances(usearchMetric(metric), 16, 'b1', bits, q);
      bits.forEach((row, i) => assert.ok(Math.abs(scoreFromUsearch(metric, d[i]) - naiveScore(metric, row, q)) < 1e-6));
      // Both empty: usearch says 0, and so does quiver's kernel.
      const z = usearchDistances('tanimoto', 16, 'b1', [bits[2]], bits[2]);
      assert.equal(z[0], 0);
    });
  }
});
