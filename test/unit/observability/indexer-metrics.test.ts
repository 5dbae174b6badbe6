/**
 * The indexer reports through the metrics port: flushes, and publications refused because
 * another owner took the shard (fencing), on real embedded adapters.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Indexer } from '../../../src/indexer/indexer.ts';
import { configSchema } from '../../../src/shared/config/schema.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { PromMetrics } from '../../../src/shared/observability/prom-metrics.ts';
import { metricValue, waitUntil } from '../../helpers/quiver-process.ts';
import { openHarness, type Harness } from '../engine/indexer-harness.ts';

describe('indexer metrics', () => {
  let h: Harness;
  let ix: Indexer | undefined;
  before(async () => {
    h = await openHarness(1);
  });
  after(async () => {
    await ix?.stop(1000);
    await h?.close();
  });

  it('counts flushes and fenced publications per shard', async () => {
    const metrics = new PromMetrics(false);
    ix = new Indexer({
      log: h.log, objects: h.objects, coordinator: h.coordinator, catalog: h.catalog,
      builder: { build: () => Promise.reject(new Error('no builds')), close: async () => undefined },
      config: { ...configSchema.parse({}).indexer, flushIntervalMs: 30, hnswMinRows: 1_000_000, l0MergeCount: 1000 },
      topicPrefix: 'quiver.', logger: silentLogger, now: () => Date.now(), newId: randomUUID, metrics,
    });
    metrics.addIndexerSource(() => ix!.sampleShards());
    ix.start();
    const series = { collection: String(h.collection.id), shard: '0' };
    await h.write(0, 5);
    const text = await waitUntil(async () => {
      const t = (await metrics.render()).body;
      return metricValue(t, 'quiver_flushes_total', { ...series, result: 'ok' }) === 1 && metricValue(t, 'quiver_indexing_lag_messages', series) === 0 ? t : null;
    }, 'one flush, lag 0', 20_000);
    assert.equal(metricValue(text, 'quiver_shard_segments', { ...series, level: '0' }), 1);
    assert.equal(metricValue(text, 'quiver_fenced_publications_total', series), undefined);

    // Another owner takes the shard (newer epoch): this indexer's next publish is refused.
    await h.manifests.acquire(h.collection.id, 0, Date.now());
    await h.write(5, 10);
    const fenced = await waitUntil(async () => {
      const t = (await metrics.render()).body;
      return metricValue(t, 'quiver_fenced_publications_total', series) === 1 ? t : null;
    }, 'fenced publication counted', 20_000);
    assert.equal(metricValue(fenced, 'quiver_indexer_shards', { status: 'fenced' }), 1);
  });
});
