import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatToken, maxOffsets, parseToken, SessionTracker } from '../../../src/proxy/write/session-tracker.ts';
import { pickRows, rowsPerShard, shardOf } from '../../../src/proxy/write/shard-router.ts';
import type { RowBatch } from '../../../src/shared/schema/types.ts';

describe('shard routing', () => {
  it('maps a key to the same shard every time and spreads keys evenly', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[shardOf(i, 4)]++;
    for (const n of counts) assert.ok(n > 9_000 && n < 11_000, `uneven: ${counts}`);
    assert.equal(shardOf('abc', 4), shardOf('abc', 4));
    assert.equal(shardOf(12345, 1), 0);
  });

  it('splits a batch into per-shard batches that keep row alignment', () => {
    const batch: RowBatch = {
      pks: [1, 2, 3, 4, 5],
      partitions: [7, 7, 7, 7, 7],
      vectors: { v: { kind: 'f32', dim: 2, data: Float32Array.from([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]) } },
      scalars: { s: ['a', 'b', 'c', 'd', 'e'] },
    };
    const per = rowsPerShard(batch.pks, 3);
    assert.equal(per.flat().length, 5);
    for (const rows of per) {
      const part = pickRows(batch, rows);
      part.pks.forEach((pk, i) => {
        assert.equal(part.scalars.s[i], 'abcde'[(pk as number) - 1]);
        assert.deepEqual([...part.vectors.v.data.subarray(i * 2, i * 2 + 2)], [pk, pk]);
      });
    }
  });
});

describe('session tokens', () => {
  it('round-trips and rejects tokens of other collections or shapes', () => {
    const t = formatToken(12, [5, -1, 9]);
    assert.deepEqual(parseToken(t, 12, 3), [5, -1, 9]);
    assert.equal(parseToken(t, 13, 3), null);
    assert.equal(parseToken(t, 12, 2), null);
    assert.equal(parseToken('garbage', 12, 3), null);
    assert.equal(parseToken(undefined, 12, 3), null);
  });

  it('tracks the highest offset this proxy wrote per shard', () => {
    const s = new SessionTracker();
    assert.deepEqual(s.latest(1, 2), [-1, -1]);
    s.record(1, [4, -1]);
    s.record(1, [2, 8]);
    assert.deepEqual(s.latest(1, 2), [4, 8]);
    assert.deepEqual(maxOffsets([1, 9], [3, 2]), [3, 9]);
  });
});
