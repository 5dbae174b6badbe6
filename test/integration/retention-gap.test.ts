/**
 * Retention safety on real Kafka: records the indexer had not indexed yet are trimmed from the
 * topic while it is down. On restart the shard must stop (never skip): /readyz answers 503
 * naming the shard, quiver_retention_gap is 1, and nothing after the gap becomes searchable.
 * Accepting the loss (QUIVER_ACCEPT_RETENTION_GAP, as the readiness reason says) resumes the
 * shard at the log's earliest offset.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openKafkaLog } from '../../src/shared/adapters/kafka/index.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import type { Log } from '../../src/shared/ports/log.ts';
import { startCluster, type Cluster } from '../helpers/cluster.ts';
import { metricValue, milvus, scrape, waitUntil } from '../helpers/quiver-process.ts';
import { isolatedClusterEnv } from '../helpers/services-env.ts';

const NAME = 'retention_gap';

function rows(from: number, n: number) {
  return Array.from({ length: n }, (_, i) => ({ id: from + i, vector: [from + i, 1, 2, 3] }));
}

async function ids(url: string): Promise<number[]> {
  const r = await milvus(url, 'entities/query', {
    collectionName: NAME, filter: 'id >= 0', outputFields: ['id'], limit: 1000, consistencyLevel: 'Eventually',
  }, { 'Accept-Type-Allow-Int64': 'true' });
  assert.equal(r.code, 0, JSON.stringify(r));
  return r.data.map((x: { id: number }) => x.id).sort((a: number, b: number) => a - b);
}

describe('retention gap below the indexer checkpoint', () => {
  let cluster: Cluster;
  let log: Log;
  before(async () => {
    const env = isolatedClusterEnv('rg');
    cluster = await startCluster(env, 1, 1);
    log = await openKafkaLog({ brokers: env.QUIVER_KAFKA_BROKERS, logger: silentLogger });
  });
  after(async () => {
    await cluster?.close();
    await log?.close();
  });

  it('stops the shard, reports it, and resumes only after the loss is accepted', async () => {
    const url = cluster.proxies[0].url;
    const created = await milvus(url, 'collections/create', { collectionName: NAME, dimension: 4, params: { shardsNum: 1 } });
    assert.equal(created.code, 0, JSON.stringify(created));
    const described = await milvus(url, 'collections/describe', { collectionName: NAME });
    const collectionId = Number(described.data.collectionID);
    const tp = { topic: `${cluster.env.QUIVER_TOPIC_PREFIX}${collectionId}`, partition: 0 };
    const series = { collection: String(collectionId), shard: '0' };

    // Indexed and checkpointed: three records.
    for (const from of [0, 10, 20]) assert.equal((await milvus(url, 'entities/insert', { collectionName: NAME, data: rows(from, 10) })).code, 0);
    const strong = await milvus(url, 'entities/query', {
      collectionName: NAME, filter: '', outputFields: ['count(*)'], consistencyLevel: 'Strong',
    }, { 'Request-Timeout': '60' });
    assert.equal(strong.data?.[0]?.['count(*)'], 30, JSON.stringify(strong));
    const ixUrl = cluster.indexers[0]!.url;
    await waitUntil(async () => metricValue(await scrape(ixUrl), 'quiver_indexer_checkpoint_offset', series) === 2, 'checkpoint 2');
    await cluster.indexers[0]!.stop();

    // Written while the indexer is down, then trimmed away before it ever read them.
    assert.equal((await milvus(url, 'entities/insert', { collectionName: NAME, data: rows(100, 10) })).code, 0);
    const trimAt = await log.latestOffset(tp);
    assert.equal(trimAt, 4);
    await log.trim(tp, trimAt);
    assert.equal(await log.earliestOffset(tp), trimAt);
    // After the gap: must not be indexed while the shard is stopped.
    assert.equal((await milvus(url, 'entities/insert', { collectionName: NAME, data: rows(200, 10) })).code, 0);

    const stopped = await cluster.startIndexer(0);
    const ready = await waitUntil(async () => {
      const res = await fetch(`${stopped.url}/readyz`);
      return res.status === 503 ? ((await res.json()) as any) : null;
    }, 'readyz 503');
    const problem = ready.notReady.find((p: { component: string }) => p.component === `shard ${collectionId}/0`);
    assert.ok(problem, JSON.stringify(ready));
    assert.match(problem.reason, new RegExp(`QUIVER_ACCEPT_RETENTION_GAP=${collectionId}/0@${trimAt}`));
    const text = await scrape(stopped.url);
    assert.equal(metricValue(text, 'quiver_retention_gap', series), 1);
    assert.equal(metricValue(text, 'quiver_indexer_checkpoint_offset', series), 2);
    assert.equal(metricValue(text, 'quiver_retention_gaps_total', series), 1);
    assert.match(stopped.logs(), /"level":"error".*shard stopped: retention gap/);
    // A flush interval is 200 ms; give a wrongly resumed shard ample time to show rows after the gap.
    await new Promise((r) => setTimeout(r, 2000));
    assert.deepEqual(await ids(url), rows(0, 30).map((r) => r.id), 'nothing indexed past the gap');
    assert.equal(metricValue(await scrape(stopped.url), 'quiver_indexer_checkpoint_offset', series), 2);
    await stopped.stop();

    // The operator accepts the loss of offsets 3..3 (the trimmed record): the shard resumes at 4.
    const resumed = await cluster.startIndexer(0, { QUIVER_ACCEPT_RETENTION_GAP: `${collectionId}/0@${trimAt}` });
    await waitUntil(async () => (await fetch(`${resumed.url}/readyz`)).status === 200, 'readyz 200 after accepting');
    const visible = await waitUntil(async () => {
      const got = await ids(url);
      return got.length === 40 ? got : null;
    }, 'rows after the gap visible');
    assert.deepEqual(visible, [...rows(0, 30), ...rows(200, 10)].map((r) => r.id), 'the trimmed rows are lost, the later ones indexed');
    const after = await scrape(resumed.url);
    assert.equal(metricValue(after, 'quiver_retention_gap', series), 0);
    assert.equal(metricValue(after, 'quiver_indexing_lag_messages', series), 0);
    assert.match(resumed.logs(), /retention gap accepted by configuration/);
  });
});
