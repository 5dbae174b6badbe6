import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlushScheduler } from '../../../src/indexer/flush-scheduler.ts';
import { ShardState } from '../../../src/indexer/shard-state.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { emptyManifest } from '../../../src/shared/manifest/manifest.ts';
import type { CollectionInfo, RowBatch } from '../../../src/shared/schema/types.ts';

const config = { flushIntervalMs: 200, maxBufferRows: 10 };

function shard(n: number): ShardState {
  return new ShardState({ topic: 't', partition: n }, { id: 1, fields: [] } as unknown as CollectionInfo, { manifest: emptyManifest(1, n, 0), version: 1 });
}

function rows(count: number): RowBatch {
  return { pks: Array.from({ length: count }, (_, i) => i), partitions: new Array(count).fill(1), vectors: {}, scalars: {} };
}

/** Buffers `count` rows at `offset`, appended to the log at `appendedAt`. */
function buffer(s: ShardState, offset: number, appendedAt: number, count = 1): void {
  s.buffer.addRows(rows(count), offset, appendedAt);
  s.bufferedSince ??= appendedAt;
}

describe('flush scheduler', () => {
  it('is due when the oldest buffered record is one interval old, when full, or when asked', () => {
    const s = shard(0);
    const f = new FlushScheduler({ config, logger: silentLogger, now: () => 0, shards: () => [s], flush: async () => undefined });
    assert.equal(f.isDue(s, 1000), false, 'nothing buffered');
    buffer(s, 0, 1000);
    assert.equal(f.isDue(s, 1199), false);
    assert.equal(f.isDue(s, 1200), true);
    assert.equal(f.msUntilDue(1050, 50), 50, 'the poll wait is capped');
    assert.equal(f.msUntilDue(1180, 50), 20, 'the consumer wakes when the buffer becomes due');
    buffer(s, 1, 1100, 9);
    assert.equal(f.isDue(s, 1001), true, 'maxBufferRows reached');
    const t = shard(1);
    buffer(t, 0, 1000);
    t.flushRequested = true;
    assert.equal(f.isDue(t, 1001), true, 'a reader asked');
    t.retryAt = 1500;
    assert.equal(f.isDue(t, 1300), false, 'pauses after a failed flush');
  });

  it('runs due shards concurrently up to the bound, one flush per shard, and retries failures', async () => {
    let now = 1000;
    const shards = Array.from({ length: 10 }, (_, i) => shard(i));
    const started: number[] = [];
    const finish: Array<() => void> = [];
    let failNext = true;
    const f = new FlushScheduler({
      config, logger: silentLogger, now: () => now, shards: () => shards,
      flush: (s) => {
        started.push(s.shard);
        return new Promise<void>((resolve, reject) => finish.push(() => {
          if (s.shard === 0 && failNext) {
            failNext = false;
            return reject(new Error('store down'));
          }
          s.seal();
          s.sealed = [];
          resolve();
        }));
      },
    });
    shards.forEach((s, i) => buffer(s, i, 700));
    f.startDue();
    assert.equal(started.length, 8, 'at most 8 at once');
    f.startDue();
    assert.equal(started.length, 8, 'a shard whose flush runs is not started again');
    finish.shift()!(); // shard 0 fails
    await new Promise((r) => setImmediate(r));
    assert.ok(shards[0].retryAt > now, 'a failed shard pauses');
    assert.deepEqual(started.slice(8), [8], 'the freed slot goes to a waiting shard');
    now += 300;
    finish.shift()!(); // shard 1 done: its slot goes to shard 0, whose pause is over
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(started.slice(9), [0], 'the failed shard is retried after the pause');
    while (finish.length > 0) {
      finish.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await f.stop();
    assert.deepEqual(started.slice().sort((a, b) => a - b), [0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'every shard flushed once, the failed one twice');
  });
});
