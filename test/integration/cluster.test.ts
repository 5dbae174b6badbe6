/**
 * The cluster on real Kafka, S3 (MinIO) and Redis: 2 proxies + 2 indexers, a 4-shard collection.
 * Writes through proxy A are seen by Strong reads through proxy B; an indexer SIGKILLed
 * mid-stream loses nothing and duplicates nothing; Redis losing all its data is repaired from
 * the object store; one insert larger than Kafka's max message size succeeds (claim check).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { payloadCollectionBody, startCluster, type Cluster } from '../helpers/cluster.ts';
import { milvus } from '../helpers/quiver-process.ts';
import { isolatedClusterEnv } from '../helpers/services-env.ts';

const DIM = 16;
const COLLECTION = 'cluster_rows';
const INT64 = { 'Accept-Type-Allow-Int64': 'true' };

function rowFor(id: number) {
  return {
    id,
    vector: Array.from({ length: DIM }, (_, j) => Math.sin(id * 0.37 + j * 1.3)),
    payload: `row-${id}-${(id * 2654435761) % 1000003}`,
  };
}

async function strongCount(url: string): Promise<number> {
  const r = await milvus(url, 'entities/query', { collectionName: COLLECTION, filter: '', outputFields: ['count(*)'], consistencyLevel: 'Strong' });
  assert.equal(r.code, 0, JSON.stringify(r));
  return r.data[0]['count(*)'];
}

/** Every acknowledged id is readable exactly once with its payload. */
async function assertExactlyOnce(url: string, ids: number[]): Promise<void> {
  const seen = new Map<number, number>();
  for (let i = 0; i < ids.length; i += 1000) {
    const got = await milvus(url, 'entities/get', { collectionName: COLLECTION, id: ids.slice(i, i + 1000), outputFields: ['payload'], consistencyLevel: 'Strong' }, INT64);
    assert.equal(got.code, 0, JSON.stringify(got));
    for (const row of got.data) {
      seen.set(row.id, (seen.get(row.id) ?? 0) + 1);
      assert.equal(row.payload, rowFor(row.id).payload);
    }
  }
  const missing = ids.filter((id) => !seen.has(id));
  assert.equal(missing.length, 0, `missing ${missing.length} acknowledged rows, e.g. ${missing.slice(0, 5)}`);
  assert.deepEqual([...seen].filter(([, n]) => n !== 1), []);
}

async function retry<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch((e) => e as T);
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('cluster on Kafka, S3 and Redis', () => {
  let cluster: Cluster;
  const acked: number[] = [];

  before(async () => {
    cluster = await startCluster(isolatedClusterEnv('it'), 2, 2);
  });
  after(async () => {
    await cluster?.close();
  });

  it('serves a write through proxy A to a Strong search through proxy B', async () => {
    const [a, b] = cluster.proxies;
    const created = await milvus(a.url, 'collections/create', payloadCollectionBody(COLLECTION, DIM));
    assert.equal(created.code, 0, JSON.stringify(created));
    const rows = Array.from({ length: 400 }, (_, i) => rowFor(i));
    const ins = await milvus(a.url, 'entities/insert', { collectionName: COLLECTION, data: rows });
    assert.equal(ins.code, 0, JSON.stringify(ins));
    acked.push(...rows.map((r) => r.id));
    const found = await milvus(b.url, 'entities/search', {
      collectionName: COLLECTION, data: [rowFor(123).vector], limit: 1, consistencyLevel: 'Strong', outputFields: ['payload'],
    }, INT64);
    assert.equal(found.code, 0, JSON.stringify(found));
    assert.equal(found.data[0].id, 123);
    assert.equal(await strongCount(b.url), 400);
  });

  it('loses and duplicates nothing when an indexer is SIGKILLed mid-stream', async () => {
    const [a, b] = cluster.proxies;
    let next = 1000;
    let stop = false;
    const writer = async () => {
      while (!stop) {
        const ids = Array.from({ length: 50 }, () => next++);
        const r = await milvus(a.url, 'entities/insert', { collectionName: COLLECTION, data: ids.map(rowFor) }).catch(() => null);
        if (r?.code === 0) acked.push(...ids);
      }
    };
    const writing = writer();
    await new Promise((r) => setTimeout(r, 1500));
    await cluster.indexers[0]!.kill();
    await new Promise((r) => setTimeout(r, 2500));
    stop = true;
    await writing;
    // The survivor takes the dead member's shards once the group notices (session timeout).
    const count = await retry(() => strongCount(b.url), (n) => n === acked.length, 90_000);
    assert.equal(count, acked.length);
    await cluster.startIndexer(0);
    await assertExactlyOnce(b.url, acked);
  });

  it('accepts one insert larger than the broker max message size (claim check)', async () => {
    const [a, b] = cluster.proxies;
    // ~6,000 rows x 16 floats: well above Kafka's 1 MiB message limit in one shard-record batch.
    const ids = Array.from({ length: 6000 }, (_, i) => 100_000 + i);
    const r = await milvus(a.url, 'entities/insert', { collectionName: COLLECTION, data: ids.map(rowFor) });
    assert.equal(r.code, 0, JSON.stringify(r).slice(0, 500));
    acked.push(...ids);
    assert.equal(await strongCount(b.url), acked.length);
  });

  it('rebuilds the catalog and manifests from the object store after Redis loses its data', async () => {
    const [, b] = cluster.proxies;
    const query = { collectionName: COLLECTION, data: [rowFor(77).vector], limit: 5, consistencyLevel: 'Strong' };
    const before = await milvus(b.url, 'entities/search', query, INT64);
    assert.equal(before.code, 0, JSON.stringify(before));
    const port = cluster.env.QUIVER_TEST_REDIS_PORT;
    execFileSync('redis-cli', ['-p', port, 'FLUSHALL']);
    execFileSync('bash', [join(import.meta.dirname, '..', '..', 'infra', 'local', 'services.sh'), 'restart', 'redis'], { stdio: 'ignore' });
    const after = await retry(() => milvus(b.url, 'entities/search', query, INT64), (v) => v?.code === 0, 60_000);
    assert.equal(after.code, 0, JSON.stringify(after));
    assert.deepEqual(after.data.map((x: { id: number }) => x.id), before.data.map((x: { id: number }) => x.id));
    const processes = [...cluster.proxies, ...cluster.indexers].filter((p) => p !== null);
    assert.ok(processes.some((p) => p!.logs().includes('restored from object-store backups')), 'a process restored the coordinator');
    const count = await retry(() => strongCount(b.url), (n) => n === acked.length, 60_000);
    assert.equal(count, acked.length);
    // Still writable afterwards, with fresh ids that collide with nothing.
    const more = await milvus(cluster.proxies[0].url, 'entities/insert', { collectionName: COLLECTION, data: [rowFor(999_999)] });
    assert.equal(more.code, 0, JSON.stringify(more));
  });
});
