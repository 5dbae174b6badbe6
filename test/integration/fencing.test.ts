/**
 * Fencing on the real cluster: an indexer paused (SIGSTOP) longer than its group session holds
 * buffered rows of its shard; the other indexer takes the shard over with a newer epoch and
 * indexes everything from the log. When the paused one wakes up, its publish is refused: the
 * data stays exactly once and complete.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCluster, type Cluster } from '../helpers/cluster.ts';
import { milvus } from '../helpers/quiver-process.ts';
import { isolatedClusterEnv } from '../helpers/services-env.ts';

const SESSION_MS = 6000;

describe('fencing of a paused indexer', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({ ...isolatedClusterEnv('fe'), QUIVER_KAFKA_SESSION_TIMEOUT_MS: String(SESSION_MS) }, 1, 0);
    // Indexer 0 buffers for a long time, so it is paused while holding unpublished rows.
    await cluster.startIndexer(0, { QUIVER_FLUSH_INTERVAL_MS: '8000' });
    await cluster.startIndexer(1);
  });
  after(async () => {
    for (const ix of cluster?.indexers ?? []) if (ix && ix.child.exitCode === null) ix.child.kill('SIGCONT');
    await cluster?.close();
  });

  it('never lets the stale owner publish over its successor', async () => {
    const url = cluster.proxies[0].url;
    const created = await milvus(url, 'collections/create', { collectionName: 'fenced', dimension: 4, params: { shardsNum: 2 } });
    assert.equal(created.code, 0, JSON.stringify(created));
    // Both indexers must own a shard before the pause, or the test would prove nothing.
    const deadline0 = Date.now() + 30_000;
    while (!cluster.indexers.every((ix) => /shard assigned/.test(ix!.logs())) && Date.now() < deadline0) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(cluster.indexers.every((ix) => /shard assigned/.test(ix!.logs())), 'each indexer owns a shard');
    const rows = Array.from({ length: 200 }, (_, i) => ({ id: i, vector: [i, 1, 2, 3] }));
    assert.equal((await milvus(url, 'entities/insert', { collectionName: 'fenced', data: rows })).code, 0);
    const stale = cluster.indexers[0]!;
    // The insert is acknowledged once it is in the log, not once indexer 0 has consumed it; an
    // indexer paused before its poll picked the rows up holds nothing to publish and is never
    // fenced. Let it consume first: well inside its 8 s flush interval, so the rows stay buffered.
    await new Promise((r) => setTimeout(r, 2000));
    stale.child.kill('SIGSTOP');
    // Longer than the session: the group hands its shard to indexer 1, which re-reads the log.
    const count = await milvus(url, 'entities/query', {
      collectionName: 'fenced', filter: '', outputFields: ['count(*)'], consistencyLevel: 'Strong',
    }, { 'Request-Timeout': '60' });
    assert.equal(count.code, 0, JSON.stringify(count));
    assert.equal(count.data[0]['count(*)'], 200);
    stale.child.kill('SIGCONT');
    // Give the woken indexer time to try (and fail) to publish its stale buffer.
    const deadline = Date.now() + 20_000;
    while (!/fenced/.test(stale.logs()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    assert.match(stale.logs(), /fenced/, 'the stale owner noticed it was fenced');
    const all = await milvus(url, 'entities/query', {
      collectionName: 'fenced', filter: 'id >= 0', outputFields: ['id'], limit: 1000, consistencyLevel: 'Strong',
    }, { 'Accept-Type-Allow-Int64': 'true' });
    assert.equal(all.code, 0, JSON.stringify(all));
    const ids = all.data.map((r: { id: number }) => r.id).sort((a: number, b: number) => a - b);
    assert.deepEqual(ids, rows.map((r) => r.id), 'every row exactly once');
  });
});
