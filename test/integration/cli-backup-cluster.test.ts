/**
 * `quiver backup` / `quiver restore` on a cluster (Kafka, S3, Redis): back up a running cluster,
 * lose every Redis key of the deployment while it is down, restore, and a new proxy and indexer
 * serve every row again (the restored checkpoints resume on the same Kafka topics).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { runCli } from '../helpers/cli-run.ts';
import { startCluster, type Cluster } from '../helpers/cluster.ts';
import { milvus } from '../helpers/quiver-process.ts';
import { isolatedClusterEnv } from '../helpers/services-env.ts';

const ROWS = 2000;
const vector = (i: number) => [i % 13, (i * 7) % 17, 1, i / 16];

async function wipeRedis(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) removed += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}

async function count(url: string): Promise<number> {
  const r = await milvus(url, 'entities/query', { collectionName: 'cli_backup_cluster', outputFields: ['count(*)'], consistencyLevel: 'Strong' });
  assert.equal(r.code, 0, JSON.stringify(r));
  return Number(r.data[0]['count(*)']);
}

describe('quiver backup and restore on a cluster', () => {
  let cluster: Cluster | null = null;
  after(async () => {
    await cluster?.close();
  });

  it('brings every row back after the coordinator lost its data', async () => {
    const env = isolatedClusterEnv('clibk');
    cluster = await startCluster(env, 1, 1);
    const url = cluster.proxies[0].url;
    const created = await milvus(url, 'collections/create', { collectionName: 'cli_backup_cluster', dimension: 4, params: { shardsNum: 2 } });
    assert.equal(created.code, 0, JSON.stringify(created));
    const rows = Array.from({ length: ROWS }, (_, i) => ({ id: i, vector: vector(i) }));
    const inserted = await milvus(url, 'entities/insert', { collectionName: 'cli_backup_cluster', data: rows });
    assert.equal(inserted.code, 0, JSON.stringify(inserted));
    assert.equal(await count(url), ROWS);

    const backup = await runCli(['backup', '--to', 'backups/cluster'], env);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /1 collections, 2 shards, \d+ segments \(2000 stored rows/);

    await cluster.close();
    cluster = null;
    assert.ok((await wipeRedis(env.QUIVER_REDIS_URL, env.QUIVER_REDIS_KEY_PREFIX)) > 0);

    const restored = await runCli(['restore', '--from', 'backups/cluster'], env);
    assert.equal(restored.code, 0, restored.stderr);
    const refused = await runCli(['restore', '--from', 'backups/cluster'], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /the coordinator is not empty/);

    cluster = await startCluster(env, 1, 1);
    const again = cluster.proxies[0].url;
    assert.equal(await count(again), ROWS);
    const got = await milvus(again, 'entities/get', { collectionName: 'cli_backup_cluster', id: [5, 1999], outputFields: ['vector'] }, { 'Accept-Type-Allow-Int64': 'true' });
    assert.deepEqual((got.data as any[]).sort((a, b) => a.id - b.id).map((r) => r.vector), [vector(5), vector(1999)]);
  });
});
