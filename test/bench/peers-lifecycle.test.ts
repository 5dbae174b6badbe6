/**
 * The `peers` suite's lifecycle measures, pure parts: pacing of the ingest, the extra rows'
 * ids and sources, the latency summary, the backlog size, and the rows and tables they become.
 * Run with: bash scripts/test.sh test/bench/peers-lifecycle.test.ts
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEnvironment } from '../../bench/measure.ts';
import { backlogRows, shardAssignedAt, batchCount, dueAtMs, extraBatch, isMeasured, pacePlan, summarizeFreshness, type PaceLimits } from '../../bench/peers/freshness.ts';
import { lifecycleNotes, lifecycleRows, lifecycleTables } from '../../bench/peers/lifecycle-report.ts';
import { loadRate } from '../../bench/peers/lifecycle.ts';
import { peersParams } from '../../bench/peers/params.ts';
import type { SystemRun } from '../../bench/peers/sweep.ts';

const limits: PaceLimits = { batchRows: 100, durationSeconds: 10, timeoutSeconds: 10, pollMs: 5, maxRowsPerSecond: 1000, minRowsPerSecond: 100 };

const run = (system: string, extra: Partial<SystemRun> = {}, insertRate?: number): SystemRun => ({
  system, version: '1', dataset: 'gmm-768', rows: 4000, dim: 8, points: [], errors: [],
  load: { load_s: 8, rss_mb: 1, rss_total_mb: null, index: 'x', knob: 'ef', knobs: [16], extra: insertRate ? { insert_rows_per_s: insertRate } : {} },
  ...extra,
});

describe('peers lifecycle measures', () => {
  it('paces at half the load rate within the limits', () => {
    assert.equal(pacePlan(600, limits).rowsPerSecond, 300);
    assert.equal(pacePlan(50_000, limits).rowsPerSecond, 1000);
    assert.equal(pacePlan(20, limits).rowsPerSecond, 100);
    assert.equal(pacePlan(null, limits).rowsPerSecond, 100);
    assert.equal(pacePlan(Number.NaN, limits).rowsPerSecond, 100);
  });

  it('spaces batches evenly and sends enough of them to fill the duration', () => {
    const plan = pacePlan(600, limits);
    assert.equal(dueAtMs(0, plan), 0);
    assert.equal(dueAtMs(3, plan), 1000);
    assert.equal(batchCount(plan), 30);
    assert.equal(batchCount({ ...plan, durationSeconds: 0.01 }), 1);
  });

  it('gives extra rows fresh ids and cycles the source rows', () => {
    const b = extraBatch(2, 3, 100, 7);
    assert.deepEqual(b.ids, [106, 107, 108]);
    assert.deepEqual(b.sources, [6, 0, 1]);
  });

  it('takes the loading rate from the insert rate, else rows over load time', () => {
    assert.equal(loadRate(run('quiver-http', {}, 1234)), 1234);
    assert.equal(loadRate(run('chroma')), 500);
    assert.equal(loadRate(run('x', { load: null })), null);
  });

  it('summarises latencies, counting reads that beat the ack as 0 ms', () => {
    const plan = pacePlan(600, limits);
    const lat = Array.from({ length: 100 }, (_, i) => i + 1);
    lat[0] = -3;
    const f = summarizeFreshness({ latenciesMs: lat, neverVisible: 2, rowsInserted: 10_200, ingestMs: 34_000, probeMs: [1, 2, 9] }, plan, 'probe');
    assert.equal(f.markers, 102);
    assert.equal(f.visible, 100);
    assert.equal(f.neverVisible, 2);
    assert.equal(f.p50Ms, 50);
    assert.equal(f.p99Ms, 99);
    assert.equal(f.maxMs, 100);
    assert.equal(f.probeMs, 2);
    // 102 batches, one every 333 ms: the last sent at 33.7 s; on pace means 300 rows/s.
    assert.ok(Math.abs(f.achievedRowsPerSecond - (10_200 * 1000) / (34_000 + 1000 / 3)) < 1e-9);
    const onPace = summarizeFreshness({ latenciesMs: [1], neverVisible: 0, rowsInserted: 3000, ingestMs: (29 * 1000) / 3, probeMs: [] }, plan, 'probe');
    assert.ok(Math.abs(onPace.achievedRowsPerSecond - 300) < 1e-9);
    const none = summarizeFreshness({ latenciesMs: [], neverVisible: 0, rowsInserted: 0, ingestMs: 0, probeMs: [] }, plan, 'probe');
    assert.equal(none.p50Ms, null);
    assert.equal(none.maxMs, null);
    assert.equal(none.achievedRowsPerSecond, 0);
  });

  it('sizes the backlog at an eighth of the rows within bounds', () => {
    assert.equal(backlogRows(40_000, 1000, 10_000), 5000);
    assert.equal(backlogRows(5000, 1000, 10_000), 1000);
    assert.equal(backlogRows(1_000_000, 1000, 10_000), 10_000);
  });

  it('finds when the indexer took the shard in the server log', () => {
    const logs = [
      '{"level":30,"time":"2026-01-01T00:00:00.500Z","msg":"starting"}',
      '{"level":30,"time":"2026-01-01T00:00:01.250Z","msg":"shard assigned","shard":0,"from":42}',
      '{"level":30,"time":"2026-01-01T00:00:09.000Z","msg":"shard assigned","shard":1}',
      '{"msg":"shard assigned", "time": "trunc',
    ].join('\n');
    assert.equal(shardAssignedAt(logs), Date.parse('2026-01-01T00:00:01.250Z'));
    assert.equal(shardAssignedAt('{"msg":"listening"}\nnot json "shard assigned"'), null);
  });

  it('reads the pacing and backlog overrides from the environment', () => {
    process.env.BENCH_PEERS_FRESHNESS_S = '7';
    process.env.BENCH_PEERS_BACKLOG_ROWS = '2500';
    try {
      const p = peersParams({ quick: true });
      assert.equal(p.pace.durationSeconds, 7);
      assert.equal(p.backlog.rows, 2500);
    } finally {
      delete process.env.BENCH_PEERS_FRESHNESS_S;
      delete process.env.BENCH_PEERS_BACKLOG_ROWS;
    }
    assert.equal(peersParams({ quick: true }).backlog.rows, null);
  });

  it('reports measured, not applicable and failed measures apart', () => {
    const p = peersParams({ quick: true });
    const plan = pacePlan(600, p.pace);
    const freshness = summarizeFreshness({ latenciesMs: [5, 7], neverVisible: 0, rowsInserted: 200, ingestMs: 1000, probeMs: [1] }, plan, 'by id');
    const quiver = run('quiver-http', {
      freshness,
      coldStart: { seconds: 2.5, readySeconds: 1.5, rows: 4200, includes: 'spawn' },
      recovery: null,
      errors: ['recovery failed: boom'],
    }, 1000);
    const raw = run('usearch-raw', { freshness: { notApplicable: 'in process' }, coldStart: { seconds: 0.01, readySeconds: null, rows: 4000, includes: 'view' }, recovery: { notApplicable: 'no log' } });
    assert.ok(isMeasured(quiver.freshness!));
    assert.ok(!isMeasured(raw.freshness!));
    const env = { date: 'd' } as RunEnvironment;
    const rows = lifecycleRows([quiver, raw], env) as unknown as Record<string, unknown>[];
    assert.equal(rows.length, 6);
    const row = (system: string, measure: string) => rows.find((r) => r.system === system && r.measure === measure)!;
    assert.equal(row('quiver-http', 'insert_to_visible').p50_ms, 5);
    assert.equal(row('quiver-http', 'insert_to_visible').markers, 2);
    assert.equal(row('quiver-http', 'cold_start').seconds, 2.5);
    assert.equal(row('quiver-http', 'recovery').error, 'recovery failed: boom');
    assert.equal(row('usearch-raw', 'insert_to_visible').not_applicable, 'in process');
    assert.equal(row('usearch-raw', 'insert_to_visible').p50_ms, undefined);
    const [fresh, restart] = lifecycleTables([quiver, raw], p);
    assert.deepEqual(fresh.rows[1].slice(2), [null, null, null, null, null, null, null]);
    assert.equal(fresh.rows[0][4], 5);
    assert.equal(restart.rows[0][6], 'failed');
    assert.equal(restart.rows[1][3], 0.01);
    assert.equal(restart.rows[1][6], null);
    const notes = lifecycleNotes([quiver, raw], p).join('\n');
    assert.match(notes, /usearch-raw: insert-to-visible does not apply: in process/);
    assert.match(notes, /usearch-raw: recovery does not apply: no log/);
  });
});
