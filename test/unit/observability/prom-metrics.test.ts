/**
 * The Prometheus implementation of the metrics port: one registry per instance, pulled shard
 * gauges (lag, segments, retention gap) that follow ownership, and the insert-to-visible
 * definition (one observation per log record that became searchable).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { visibleLatencies } from '../../../src/proxy/replica/shard-replica.ts';
import type { LoadedSegment } from '../../../src/proxy/replica/loaded-segment.ts';
import { PromMetrics } from '../../../src/shared/observability/prom-metrics.ts';
import type { IndexerShardSample } from '../../../src/shared/observability/metrics.ts';
import { metricValue } from '../../helpers/quiver-process.ts';

const sample = (over: Partial<IndexerShardSample>): IndexerShardSample => ({
  collection: 9, shard: 0, checkpoint: 99, logEnd: 120, status: 'active',
  segments: [{ level: 0, count: 3, bytes: 300 }, { level: 1, count: 1, bytes: 5000 }], ...over,
});

describe('PromMetrics', () => {
  it('keeps separate registries per instance', async () => {
    const a = new PromMetrics(false);
    const b = new PromMetrics(false);
    a.fenced({ collection: 1, shard: 0 });
    assert.equal(metricValue((await a.render()).body, 'quiver_fenced_publications_total'), 1);
    assert.equal(metricValue((await b.render()).body, 'quiver_fenced_publications_total'), undefined);
  });

  it('samples shard gauges at render time, dropping shards no longer owned', async () => {
    const m = new PromMetrics(false);
    let owned = [sample({}), sample({ shard: 1, checkpoint: 10, logEnd: null, status: 'retention-gap' })];
    m.addIndexerSource(async () => owned);
    m.addIndexerSource(async () => Promise.reject(new Error('ignored')));
    let text = (await m.render()).body;
    assert.equal(metricValue(text, 'quiver_indexing_lag_messages', { collection: '9', shard: '0' }), 20);
    assert.equal(metricValue(text, 'quiver_log_end_offset', { shard: '0' }), 120);
    assert.equal(metricValue(text, 'quiver_indexing_lag_messages', { shard: '1' }), undefined, 'no log end, no lag');
    assert.equal(metricValue(text, 'quiver_retention_gap', { shard: '1' }), 1);
    assert.equal(metricValue(text, 'quiver_retention_gap', { shard: '0' }), 0);
    assert.equal(metricValue(text, 'quiver_shard_segments', { shard: '0', level: '1' }), 1);
    assert.equal(metricValue(text, 'quiver_shard_segment_bytes', { shard: '0' }), 5300);
    assert.equal(metricValue(text, 'quiver_indexer_shards', { status: 'retention-gap' }), 1);
    owned = [sample({})];
    text = (await m.render()).body;
    assert.equal(metricValue(text, 'quiver_retention_gap', { shard: '1' }), undefined);
    assert.equal(metricValue(text, 'quiver_indexer_shards', { status: 'retention-gap' }), 0);
  });

  it('counts events per shard with units in the names', async () => {
    const m = new PromMetrics(false);
    const s = { collection: 4, shard: 2 };
    m.httpRequest({ route: '/v2/vectordb/entities/search', method: 'POST', status: 200, code: '0', seconds: 0.004 });
    m.segmentsApplied(s, 3, 1, 2048);
    m.recordsVisible(s, [0.25, 0.5, -0.01]);
    m.flushed(s, 0.05, true);
    m.flushed(s, 0.05, false);
    m.compacted(s, 2, 'ok');
    m.retentionGap(s, true);
    const text = (await m.render()).body;
    const l = { collection: '4', shard: '2' };
    assert.equal(metricValue(text, 'quiver_http_request_duration_seconds_count', { route: '/v2/vectordb/entities/search' }), 1);
    assert.equal(metricValue(text, 'quiver_segment_cache_hits_total', l), 3);
    assert.equal(metricValue(text, 'quiver_segment_cache_misses_total', l), 1);
    assert.equal(metricValue(text, 'quiver_segment_download_bytes_total', l), 2048);
    assert.equal(metricValue(text, 'quiver_insert_to_visible_seconds_count', l), 3);
    assert.equal(metricValue(text, 'quiver_insert_to_visible_seconds_sum', l), 0.75, 'clock skew clamps to 0');
    assert.equal(metricValue(text, 'quiver_flushes_total', { ...l, result: 'failed' }), 1);
    assert.equal(metricValue(text, 'quiver_compaction_duration_seconds_sum', l), 2);
    assert.equal(metricValue(text, 'quiver_retention_gaps_total', l), 1);
  });
});

describe('insert-to-visible', () => {
  const seg = (lsnMax: number, lsns: number[], ts: number[]) =>
    ({ ref: { lsnMax }, data: { lsns: Float64Array.from(lsns), ts: Float64Array.from(ts) } }) as unknown as LoadedSegment;

  it('observes each new record once, from its append time', () => {
    // Offsets 5 (3 rows) and 6 (1 row) are new; 4 was visible before.
    const got = visibleLatencies([seg(6, [4, 5, 5, 5, 6], [9000, 9500, 9500, 9500, 9800])], 4, 0, 10_000);
    assert.deepEqual(got, [0.5, 0.2]);
  });

  it('skips segments already visible (compaction outputs) and records older than the replica', () => {
    assert.deepEqual(visibleLatencies([seg(4, [1, 2, 3, 4], [1, 2, 3, 4])], 4, 0, 10), []);
    assert.deepEqual(visibleLatencies([seg(9, [7, 8], [500, 1500])], -1, 1000, 2000), [0.5]);
  });
});

describe('Grafana dashboard', () => {
  it('plots only series quiver exports', async () => {
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const dashboard = JSON.parse(await readFile(join(import.meta.dirname, '..', '..', '..', 'infra', 'grafana', 'dashboards', 'quiver.json'), 'utf8'));
    const exprs: string[] = dashboard.panels.flatMap((p: { targets?: Array<{ expr: string }> }) => (p.targets ?? []).map((t) => t.expr));
    const used = new Set(exprs.flatMap((e) => e.match(/quiver_[a-z_]+/g) ?? []));
    const m = new PromMetrics(false);
    const exported = new Set<string>();
    for (const metric of await m.registry.getMetricsAsJSON()) {
      exported.add(metric.name);
      if (String(metric.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(metric.name + s);
    }
    assert.ok(used.size >= 12, [...used].join(' '));
    for (const name of used) assert.ok(exported.has(name), `dashboard uses ${name}, which quiver does not export`);
    for (const needed of ['quiver_indexing_lag_messages', 'quiver_insert_to_visible_seconds_bucket', 'quiver_retention_gap', 'quiver_fenced_publications_total']) {
      assert.ok(used.has(needed), `dashboard plots ${needed}`);
    }
  });
});
