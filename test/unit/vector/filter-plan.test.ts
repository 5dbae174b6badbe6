import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_COST_MODEL,
  estimateAccepted,
  overFetch,
  planFilteredSearch,
  type PlanInput,
} from '../../../src/shared/vector/filter-plan.ts';

const base: PlanInput = {
  n: 100_000, k: 10, ef: 64, dim: 128, connectivity: 16, accepted: 100_000, canScan: true, costs: DEFAULT_COST_MODEL,
};

describe('filtered search planning', () => {
  it('counts exactly on small segments and samples on large ones', () => {
    assert.equal(estimateAccepted(1000, (r) => r % 10 === 0), 100);
    // Periodic predicates must not alias with the sampling stride.
    for (const period of [2, 10, 977, 1024]) {
      const est = estimateAccepted(1_000_000, (r) => r % period === 0);
      const want = 1_000_000 / period;
      assert.ok(Math.abs(est - want) < Math.max(0.25 * want, 3000), `period ${period}: ${est}`);
    }
    let calls = 0;
    estimateAccepted(1_000_000, () => { calls++; return false; });
    assert.equal(calls, 1024);
    assert.ok(estimateAccepted(1_000_000, () => false) > 0, 'never a zero estimate from a sample');
  });

  it('over-fetches ef / selectivity candidates, capped at the segment size', () => {
    assert.equal(overFetch(100_000, 64, 50_000), 128);
    assert.equal(overFetch(100_000, 64, 1_000), 6_400);
    assert.equal(overFetch(100_000, 64, 10), 100_000);
    assert.equal(overFetch(100_000, 64, 100_000), 64);
  });

  it('scans selective filters, walks the graph for wide ones, and walks when it cannot scan', () => {
    assert.deepEqual(planFilteredSearch({ ...base, accepted: 1_000 }), { mode: 'scan' });
    assert.deepEqual(planFilteredSearch({ ...base, accepted: 50_000 }), { mode: 'graph', want: 128 });
    assert.deepEqual(planFilteredSearch({ ...base, accepted: 1_000, canScan: false }), { mode: 'graph', want: 6_400 });
    assert.deepEqual(planFilteredSearch({ ...base, accepted: 0 }), { mode: 'empty' });
    // A wider beam makes the walk dearer, so the scan wins at a larger selectivity.
    assert.deepEqual(planFilteredSearch({ ...base, ef: 1024, accepted: 20_000 }), { mode: 'scan' });
  });
});
