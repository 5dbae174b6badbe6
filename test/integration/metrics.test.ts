/**
 * Metrics, health and readiness of a real cluster (one proxy, one indexer on Kafka, S3 and
 * Redis): after an insert, a search and a wait until the rows are visible, both processes'
 * /metrics hold the series the dashboard plots, with plausible values.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCluster, type Cluster } from '../helpers/cluster.ts';
import { metricValue, milvus, scrape, waitUntil } from '../helpers/quiver-process.ts';
import { isolatedClusterEnv } from '../helpers/services-env.ts';

const NAME = 'metrics_seen';
const SEARCHES = 3;

describe('metrics of a cluster', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(isolatedClusterEnv('mt'), 1, 1);
  });
  after(async () => {
    await cluster?.close();
  });

  it('exposes request, lag, segment and insert-to-visible series on proxy and indexer', async () => {
    const url = cluster.proxies[0].url;
    const ixUrl = cluster.indexers[0]!.url;
    assert.match(ixUrl, /^http:\/\/.+:\d+$/, 'the indexer banner names its HTTP listener');
    assert.equal((await milvus(url, 'collections/create', { collectionName: NAME, dimension: 4, params: { shardsNum: 2 } })).code, 0);
    const described = await milvus(url, 'collections/describe', { collectionName: NAME });
    const collection = String(described.data.collectionID);
    const data = Array.from({ length: 50 }, (_, i) => ({ id: i, vector: [i, 1, 2, 3] }));
    assert.equal((await milvus(url, 'entities/insert', { collectionName: NAME, data })).code, 0);
    for (let i = 0; i < SEARCHES; i++) {
      const r = await milvus(url, 'entities/search', { collectionName: NAME, data: [[1, 1, 2, 3]], limit: 3, consistencyLevel: 'Strong' });
      assert.equal(r.code, 0, JSON.stringify(r));
      assert.equal(r.data.length, 3);
    }
    // A business error is counted under its Milvus code.
    assert.equal((await milvus(url, 'collections/describe', { collectionName: 'no_such_collection' })).code, 100);

    const proxy = await scrape(url);
    const searchSeries = { route: '/v2/vectordb/entities/search', method: 'POST', status: '200', code: '0' };
    assert.ok(metricValue(proxy, 'quiver_http_requests_total', searchSeries)! >= SEARCHES, proxy);
    assert.ok(metricValue(proxy, 'quiver_http_requests_total', { route: '/v2/vectordb/entities/insert', code: '0' })! >= 1);
    assert.ok(metricValue(proxy, 'quiver_http_requests_total', { route: '/v2/vectordb/collections/describe', code: '100' })! >= 1);
    assert.ok(
      metricValue(proxy, 'quiver_http_request_duration_seconds_count', { route: '/v2/vectordb/entities/search', status: '200' })! >= SEARCHES,
    );
    assert.ok(metricValue(proxy, 'quiver_http_request_duration_seconds_sum', { route: '/v2/vectordb/entities/search' })! > 0);
    // Strong searches waited until both shards published: each shard's records became visible.
    const visible = metricValue(proxy, 'quiver_insert_to_visible_seconds_count', { collection })!;
    assert.ok(visible >= 1, 'insert-to-visible observed');
    const visibleSum = metricValue(proxy, 'quiver_insert_to_visible_seconds_sum', { collection })!;
    assert.ok(visibleSum > 0 && visibleSum / visible < 60, `plausible insert-to-visible mean: ${visibleSum / visible}`);
    assert.ok(metricValue(proxy, 'quiver_segment_cache_misses_total', { collection })! >= 2, 'one segment per shard downloaded');
    assert.ok(metricValue(proxy, 'quiver_segment_download_bytes_total', { collection })! > 0);
    assert.ok(metricValue(proxy, 'process_cpu_seconds_total')! > 0, 'process metrics');
    assert.ok(proxy.includes('quiver_http_request_duration_seconds_bucket{le="+Inf",route="/v2/vectordb/entities/search"'));

    // The indexer has published everything: lag 0 once it sampled the log end.
    const indexer = await waitUntil(async () => {
      const text = await scrape(ixUrl);
      return metricValue(text, 'quiver_indexing_lag_messages', { collection }) === 0 ? text : null;
    }, 'indexing lag 0');
    for (const shard of ['0', '1']) {
      const series = { collection, shard };
      assert.equal(metricValue(indexer, 'quiver_indexing_lag_messages', series), 0);
      assert.equal(metricValue(indexer, 'quiver_log_end_offset', series), metricValue(indexer, 'quiver_indexer_checkpoint_offset', series)! + 1);
      assert.ok(metricValue(indexer, 'quiver_shard_segments', series)! >= 1, `segments of shard ${shard}`);
      assert.ok(metricValue(indexer, 'quiver_shard_segment_bytes', series)! > 0);
      assert.equal(metricValue(indexer, 'quiver_retention_gap', series), 0);
      assert.ok(metricValue(indexer, 'quiver_flushes_total', { ...series, result: 'ok' })! >= 1);
    }
    assert.equal(metricValue(indexer, 'quiver_indexer_shards', { status: 'active' }), 2);

    // Health and readiness of both, with request ids echoed (and kept when the client sent one).
    for (const base of [url, ixUrl]) {
      const health = await fetch(`${base}/healthz`, { headers: { 'X-Request-Id': 'probe-42' } });
      assert.equal(health.status, 200);
      assert.equal(health.headers.get('x-request-id'), 'probe-42');
      const ready = await fetch(`${base}/readyz`);
      const body = (await ready.json()) as { status: string; checks: string[] };
      assert.equal(ready.status, 200, JSON.stringify(body));
      assert.deepEqual(body.checks.slice(0, 3), ['log', 'objectStore', 'coordinator']);
      assert.match((await fetch(`${base}/metrics`)).headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    }
  });
});
