/**
 * The `peers` benchmark suite's pure parts: the filter column, recall over answered queries,
 * Fashion-MNIST's IDX parsing, parameters from the environment, and the verdicts.
 * Run with: bash scripts/test.sh test/bench/peers.test.ts
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accepts, recallOf, tagOf } from '../../bench/peers/data/dataset.ts';
import { parseIdxImages } from '../../bench/peers/data/fashion-mnist.ts';
import { FILTERS, peersParams } from '../../bench/peers/params.ts';
import type { SweepPoint, SystemRun } from '../../bench/peers/sweep.ts';
import { verdictsFor } from '../../bench/peers/verdicts.ts';
import { UsageError } from '../../bench/run-suite.ts';

describe('peers suite', () => {
  it('tags select about 10% and 1% of rows', () => {
    const n = 100_000;
    for (const f of FILTERS) {
      let hits = 0;
      for (let i = 0; i < n; i++) if (accepts(f, tagOf(i))) hits++;
      assert.ok(Math.abs(hits / n - f.share) < f.share * 0.1, `${f.label}: ${hits / n}`);
    }
  });

  it('recall counts answered queries only and ignores ground-truth padding', () => {
    const gt = { k: 3, ids: Uint32Array.from([1, 2, 3, 4, 5, 0xffffffff]), cached: false, seconds: 0 };
    assert.equal(recallOf(gt, [[1, 2, 9]], 3), 2 / 3);
    assert.equal(recallOf(gt, [[1, 2, 3], [5, 4]], 3), 1);
    assert.equal(recallOf(gt, [[4, 4, 4]], 3, 1), 1 / 2);
  });

  it('parses IDX image files', () => {
    const buf = new Uint8Array(16 + 2 * 4);
    const view = new DataView(buf.buffer);
    view.setUint32(0, 0x803);
    view.setUint32(4, 2);
    view.setUint32(8, 2);
    view.setUint32(12, 2);
    buf.set([0, 1, 2, 255, 4, 5, 6, 7], 16);
    const { vectors, count, dim } = parseIdxImages(buf, 1);
    assert.equal(count, 1);
    assert.equal(dim, 4);
    assert.deepEqual(Array.from(vectors), [0, 1, 2, 255]);
    assert.throws(() => parseIdxImages(new Uint8Array(16)), /not an IDX/);
  });

  it('takes sizes and selections from the environment', () => {
    process.env.BENCH_PEERS_ROWS_GMM_768 = '1000000';
    process.env.BENCH_PEERS_SYSTEMS = 'quiver-http,chroma';
    try {
      const p = peersParams({});
      assert.equal(p.rows['gmm-768'], 1_000_000);
      assert.deepEqual(p.systems, ['quiver-http', 'chroma']);
      process.env.BENCH_PEERS_SYSTEMS = 'nope';
      assert.throws(() => peersParams({}), UsageError);
      assert.throws(() => peersParams({ dim: 8 }), UsageError);
    } finally {
      delete process.env.BENCH_PEERS_ROWS_GMM_768;
      delete process.env.BENCH_PEERS_SYSTEMS;
    }
  });

  it('judges the targets from the measured points', () => {
    const pt = (knob: number, clients: number, recall: number, qps: number, filter: string | null = null): SweepPoint => ({
      knob, clients, filter, recall, answered: 100, summary: { qps, p50_ms: 1, p99_ms: 2, mean_ms: 1, count: 100, wall_s: 1 },
    });
    const run = (system: string, load_s: number, rss: number | null, points: SweepPoint[], extra = {}): SystemRun => ({
      system, version: '1', dataset: 'gmm-768', rows: 1000, dim: 8, errors: [], points,
      load: { load_s, rss_mb: rss, rss_total_mb: null, index: 'x', knob: 'ef', knobs: [16, 32], extra },
    });
    const verdicts = verdictsFor('gmm-768', [
      run('quiver-http', 5, 12, [pt(16, 1, 0.9, 900), pt(32, 1, 0.96, 850), pt(32, 8, 0.96, 1700), pt(32, 1, 0.97, 500, '1%')]),
      run('usearch-raw', 2, 10, [pt(16, 1, 0.92, 1000), pt(32, 1, 0.97, 1000), pt(32, 8, 0.97, 3000)], { index_file_mb: 10 }),
      run('chroma', 9, 50, [pt(16, 1, 0.99, 300), pt(16, 8, 0.99, 600)]),
    ], [1, 8]);
    const byTarget = (s: string) => verdicts.filter((v) => v.target.includes(s)).map((v) => v.met);
    assert.deepEqual(byTarget('raw usearch'), [true, false]);
    assert.deepEqual(byTarget('peer database in QPS'), [true, true]);
    assert.deepEqual(byTarget('load time'), [true]);
    assert.deepEqual(byTarget('1% selectivity'), [true]);
    assert.deepEqual(byTarget('memory'), [true]);
  });
});
