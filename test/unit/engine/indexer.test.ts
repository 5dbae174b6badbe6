import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { CoordinatorUnavailableError, type Coordinator } from '../../../src/shared/ports/coordinator.ts';
import type { ObjectStore } from '../../../src/shared/ports/object-store.ts';
import { eventually, openHarness, type Harness } from './indexer-harness.ts';

/** Delays every segment put by `ms` and records how many shards had one running at once. */
function slowSegmentPuts(ms: number) {
  const running = new Map<string, number>();
  const seen = { maxShards: 0 };
  const wrap = (o: ObjectStore): ObjectStore => ({
    ...o,
    put: async (key, body, opts) => {
      const shard = /shards\/(\d+)\/segments\//.exec(key)?.[1];
      if (shard === undefined) return o.put(key, body, opts);
      running.set(shard, (running.get(shard) ?? 0) + 1);
      seen.maxShards = Math.max(seen.maxShards, running.size);
      try {
        await new Promise((r) => setTimeout(r, ms));
        return await o.put(key, body, opts);
      } finally {
        const n = running.get(shard)! - 1;
        if (n === 0) running.delete(shard);
        else running.set(shard, n);
      }
    },
    get: (k, r) => o.get(k, r),
    head: (k) => o.head(k),
    list: (p) => o.list(p),
    delete: (k) => o.delete(k),
    close: () => o.close(),
  });
  return { wrap, seen };
}

/** The coordinator's reads and commits reject as unavailable while `down` is set. */
function switchableCoordinator(c: Coordinator) {
  const outage = { down: false };
  const guard = <A extends unknown[], R>(name: string, fn: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
    if (outage.down) throw new CoordinatorUnavailableError(`injected outage: ${name}`);
    return fn(...a);
  };
  const coordinator: Coordinator = {
    get: guard('get', (k) => c.get(k)),
    list: guard('list', (p) => c.list(p)),
    commit: guard('commit', (ops) => c.commit(ops)),
    watch: (p, f) => c.watch(p, f),
    heartbeat: guard('heartbeat', (p, ttl) => c.heartbeat(p, ttl)),
    liveProcesses: guard('liveProcesses', () => c.liveProcesses()),
    close: async () => undefined,
  };
  return { coordinator, outage };
}

describe('indexer', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  async function checkpoints(x: Harness): Promise<number[]> {
    const out = [];
    for (let s = 0; s < x.collection.shardsNum; s++) out.push((await x.manifests.read(x.collection.id, s))?.manifest.checkpoint ?? -1);
    return out;
  }

  async function caughtUp(x: Harness): Promise<boolean> {
    const cps = await checkpoints(x);
    for (let s = 0; s < cps.length; s++) {
      if (cps[s] + 1 !== (await x.log.latestOffset({ topic: x.collection.topic, partition: s }))) return false;
    }
    return true;
  }

  it('publishes every write once, and a restarted indexer resumes without duplicates', async () => {
    h = await openHarness(2);
    const first = h.newIndexer();
    first.start();
    for (let i = 0; i < 10; i++) await h.write(i * 100, i * 100 + 100);
    assert.ok(await eventually(() => caughtUp(h!)), 'first indexer caught up');
    await first.stop();
    for (let i = 10; i < 20; i++) await h.write(i * 100, i * 100 + 100);
    const second = h.newIndexer();
    second.start();
    assert.ok(await eventually(() => caughtUp(h!)), 'second indexer caught up');
    const keys = [...(await h.storedKeys(0)), ...(await h.storedKeys(1))].sort((a, b) => a - b);
    assert.equal(keys.length, 2000);
    assert.deepEqual(keys, Array.from({ length: 2000 }, (_, i) => i));
    const epochs = await Promise.all([0, 1].map(async (s) => (await h!.manifests.read(h!.collection.id, s))!.manifest.epoch));
    assert.deepEqual(epochs, [2, 2], 'each owner took a new epoch');
  });

  it('retries taking over shards whose take-over failed while the coordinator was down', async () => {
    h = await openHarness(2);
    const { coordinator, outage } = switchableCoordinator(h.coordinator);
    outage.down = true;
    const ix = h.newIndexer({}, { coordinator });
    ix.start();
    await h.write(0, 100);
    // The log group assigns both partitions now; their take-over fails while the outage lasts.
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(ix.status(), [], 'no shard could be taken over yet');
    outage.down = false;
    await h.write(100, 200);
    assert.ok(await eventually(() => caughtUp(h!)), `caught up after the outage: ${JSON.stringify(ix.status())}`);
    const keys = [...(await h.storedKeys(0)), ...(await h.storedKeys(1))].sort((a, b) => a - b);
    assert.deepEqual(keys, Array.from({ length: 200 }, (_, i) => i));
  });

  it('a fenced indexer cannot publish over its successor', async () => {
    h = await openHarness(1);
    const stale = h.newIndexer({ flushIntervalMs: 60_000, maxBufferRows: 1_000_000 });
    stale.start();
    await eventually(async () => stale.status().length === 1);
    await h.write(0, 50); // buffered by the stale owner, not yet published
    await eventually(async () => true, 200);
    const successor = await h.manifests.acquire(h.collection.id, 0, Date.now());
    // Ask the stale owner to flush now: its publish must fail against the newer epoch.
    await h.coordinator.commit([{ kind: 'put', key: `shard/request/flush/${h.collection.id}`, value: '1' }]);
    assert.ok(await eventually(async () => stale.status()[0]?.status === 'fenced'), JSON.stringify(stale.status()));
    const now = await h.manifests.read(h.collection.id, 0);
    assert.equal(now!.version, successor.version, 'the successor manifest was not overwritten');
    assert.equal(now!.manifest.segments.length, 0);
  });

  it('stops a shard whose unindexed records were trimmed from the log', async () => {
    h = await openHarness(1);
    await h.write(0, 10);
    await h.write(10, 20);
    await h.log.trim({ topic: h.collection.topic, partition: 0 }, 1);
    const ix = h.newIndexer();
    ix.start();
    assert.ok(await eventually(async () => ix.status()[0]?.status === 'retention-gap'), JSON.stringify(ix.status()));
    assert.match(ix.status()[0].reason, /retention/);
    assert.deepEqual(await checkpoints(h), [-1], 'nothing was skipped or published');
  });

  it('flushes shards concurrently and keeps consuming while a flush runs', async () => {
    const slow = slowSegmentPuts(150);
    h = await openHarness(4, slow.wrap);
    const ix = h.newIndexer();
    ix.start();
    await eventually(async () => ix.status().length === 4);
    // Writes keep arriving while flushes are in flight: each lands in exactly one segment.
    for (let i = 0; i < 20; i++) {
      await h.write(i * 40, i * 40 + 40);
      await new Promise((r) => setTimeout(r, 15));
    }
    assert.ok(await eventually(() => caughtUp(h!)), 'caught up');
    assert.ok(slow.seen.maxShards >= 2, `segment writes of several shards overlapped (at most ${slow.seen.maxShards} did)`);
    const keys = (await Promise.all([0, 1, 2, 3].map((s) => h!.storedKeys(s)))).flat().sort((a, b) => a - b);
    assert.deepEqual(keys, Array.from({ length: 800 }, (_, i) => i));
  });
});
