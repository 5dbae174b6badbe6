/**
 * The indexer on a log trimmed below its checkpoint (embedded log): the shard stops and is
 * reported, nothing after the gap is indexed; with the loss accepted for that shard, a new owner
 * resumes at the log's earliest offset.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Indexer } from '../../../src/indexer/indexer.ts';
import { PromMetrics } from '../../../src/shared/observability/prom-metrics.ts';
import { metricValue, waitUntil } from '../../helpers/quiver-process.ts';
import { openHarness, type Harness } from '../engine/indexer-harness.ts';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('indexer on a retention gap', () => {
  let h: Harness;
  const running: Indexer[] = [];
  before(async () => {
    h = await openHarness(1);
  });
  after(async () => {
    for (const ix of running) await ix.stop(1000);
    await h?.close();
  });

  it('stops the shard until the loss is accepted', async () => {
    const tp = { topic: h.collection.topic, partition: 0 };
    const checkpoint = async () => (await h.manifests.read(h.collection.id, 0))?.manifest.checkpoint ?? -1;
    const first = h.newIndexer();
    first.start();
    await h.write(0, 10);
    await waitUntil(async () => (await checkpoint()) === 0, 'first record published', 20_000);
    await first.stop(5000);

    await h.write(10, 20); // offset 1: trimmed before any indexer read it
    await h.log.trim(tp, 2);
    await h.write(20, 30); // offset 2: after the gap

    const stopped = h.newIndexer();
    running.push(stopped);
    const metrics = new PromMetrics(false);
    metrics.addIndexerSource(() => stopped.sampleShards());
    stopped.start();
    const problems = await waitUntil(async () => (stopped.notReady().length > 0 ? stopped.notReady() : null), 'shard reported', 20_000);
    assert.equal(problems[0].component, `shard ${h.collection.id}/0`);
    assert.match(problems[0].reason, new RegExp(`offsets 1\\.\\.1 .*=${h.collection.id}/0@2`));
    assert.equal(stopped.status()[0].status, 'retention-gap');
    const text = (await metrics.render()).body;
    assert.equal(metricValue(text, 'quiver_retention_gap', { collection: String(h.collection.id), shard: '0' }), 1);
    assert.equal(metricValue(text, 'quiver_indexer_checkpoint_offset', { shard: '0' }), 0);
    assert.equal(metricValue(text, 'quiver_indexing_lag_messages', { shard: '0' }), 2);
    await new Promise((r) => setTimeout(r, 300)); // ten flush intervals
    assert.equal(await checkpoint(), 0, 'nothing indexed past the gap');
    assert.deepEqual((await h.storedKeys(0)).sort((a, b) => a - b), range(0, 10));
    await stopped.stop(5000);

    // Accepting a smaller gap than the real one changes nothing.
    const wrong = h.newIndexer({ acceptRetentionGap: `${h.collection.id}/0@1` });
    running.push(wrong);
    wrong.start();
    await waitUntil(async () => wrong.notReady().length > 0, 'still stopped', 20_000);
    await wrong.stop(5000);

    const resumed = h.newIndexer({ acceptRetentionGap: `${h.collection.id + 1}/0@9, ${h.collection.id}/0@2` });
    running.push(resumed);
    resumed.start();
    await waitUntil(async () => (await checkpoint()) === 2, 'resumed after the gap', 20_000);
    assert.deepEqual(resumed.notReady(), []);
    assert.deepEqual((await h.storedKeys(0)).sort((a, b) => a - b), [...range(0, 10), ...range(20, 30)]);
  });
});
