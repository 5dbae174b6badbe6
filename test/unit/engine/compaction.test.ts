import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeSegments } from '../../../src/indexer/compaction/merge.ts';
import { pickCompaction } from '../../../src/indexer/compaction/policy.ts';
import type { Manifest, SegmentRef } from '../../../src/shared/manifest/manifest.ts';
import type { CollectionInfo } from '../../../src/shared/schema/types.ts';
import type { SegmentData } from '../../../src/shared/segment/format.ts';

const collection = {
  id: 1, partitions: [{ name: '_default', id: 10, createdAt: 0 }], properties: {},
} as unknown as CollectionInfo;

function data(rows: Array<{ pk: number; lsn: number; ts?: number; part?: number }>, tombs: Array<[number, number]> = []): SegmentData {
  return {
    pks: rows.map((r) => r.pk),
    partitions: rows.map((r) => r.part ?? 10),
    lsns: Float64Array.from(rows.map((r) => r.lsn)),
    ts: Float64Array.from(rows.map((r) => r.ts ?? 1000)),
    vectors: { v: { kind: 'f32', dim: 2, data: Float32Array.from(rows.flatMap((r) => [r.pk, r.lsn])) } },
    scalars: { tag: rows.map((r) => `t${r.pk}-${r.lsn}`) },
    tombstones: { pks: tombs.map((t) => t[0]), lsns: Float64Array.from(tombs.map((t) => t[1])) },
  };
}

function ref(id: string, level: 0 | 1, rows: number, tombstones = 0): SegmentRef {
  return { id, level, rows, tombstones, lsnMin: 0, lsnMax: 0, bytes: 0, createdAt: 0 };
}

describe('mergeSegments', () => {
  it('keeps only live rows with their own vectors and columns', () => {
    const a = data([{ pk: 1, lsn: 0 }, { pk: 2, lsn: 0 }, { pk: 3, lsn: 1 }]);
    const b = data([{ pk: 2, lsn: 5 }], [[3, 6]]);
    const m = mergeSegments([{ data: b, lsnMin: 5, lsnMax: 6 }, { data: a, lsnMin: 0, lsnMax: 1 }], { collection, coversShard: true, now: 2000 });
    assert.deepEqual(m.pks, [1, 2]);
    assert.deepEqual([...m.lsns], [0, 5]);
    assert.deepEqual(m.scalars.tag, ['t1-0', 't2-5']);
    assert.deepEqual([...(m.vectors.v.data as Float32Array)], [1, 0, 2, 5]);
    assert.equal(m.tombstones.pks.length, 0, 'a full merge drops tombstones');
  });

  it('keeps winning tombstones when other segments may hold older rows', () => {
    const b = data([], [[3, 6], [4, 7]]);
    const c = data([{ pk: 4, lsn: 8 }]);
    const m = mergeSegments([{ data: b, lsnMin: 6, lsnMax: 7 }, { data: c, lsnMin: 8, lsnMax: 8 }], { collection, coversShard: false, now: 2000 });
    assert.deepEqual(m.tombstones.pks, [3]);
    assert.deepEqual(m.pks, [4]);
  });

  it('purges rows of dropped partitions and rows past the TTL', () => {
    const ttl = { ...collection, properties: { 'collection.ttl.seconds': '10' } } as CollectionInfo;
    const d = data([{ pk: 1, lsn: 0, ts: 0 }, { pk: 2, lsn: 1, ts: 95_000 }, { pk: 3, lsn: 2, ts: 95_000, part: 99 }]);
    const m = mergeSegments([{ data: d, lsnMin: 0, lsnMax: 2 }], { collection: ttl, coversShard: true, now: 100_000 });
    assert.deepEqual(m.pks, [2]);
  });
});

describe('pickCompaction', () => {
  const settings = { l0MergeCount: 3, hnswMinRows: 100, tierMergeCount: 2 };
  const manifest = (segments: SegmentRef[]): Manifest => ({ collectionId: 1, shard: 0, epoch: 1, checkpoint: 9, segments, updatedAt: 0 });

  it('waits for enough flat segments or rows', () => {
    assert.equal(pickCompaction(manifest([ref('a', 0, 5), ref('b', 0, 5)]), settings), null);
    assert.deepEqual(pickCompaction(manifest([ref('a', 0, 5), ref('b', 0, 5), ref('c', 0, 5)]), settings)?.map((s) => s.id), ['a', 'b', 'c']);
    assert.deepEqual(pickCompaction(manifest([ref('a', 0, 150), ref('x', 1, 1000)]), settings)?.map((s) => s.id), ['a']);
  });

  it('merges small flat segments without rewriting earlier merges, then indexes all flat rows', () => {
    // hnswMinRows 100 / l0MergeCount 3: flat segments below 33.3 rows are small.
    const merged = ref('m', 0, 40);
    const m = manifest([merged, ref('a', 0, 5), ref('b', 0, 5)]);
    assert.equal(pickCompaction(m, settings), null, 'two small ones are not enough; the merged one does not count');
    const m2 = manifest([merged, ref('a', 0, 5), ref('b', 0, 5), ref('c', 0, 5)]);
    assert.deepEqual(pickCompaction(m2, settings)?.map((s) => s.id), ['a', 'b', 'c']);
    const m3 = manifest([merged, ref('n', 0, 45), ref('a', 0, 15)]);
    assert.deepEqual(pickCompaction(m3, settings)?.map((s) => s.id), ['m', 'n', 'a'], 'flat rows reached hnswMinRows');
  });

  it('merges indexed segments of one size tier', () => {
    const m = manifest([ref('x', 1, 1000), ref('y', 1, 1100), ref('z', 1, 100_000)]);
    assert.deepEqual(pickCompaction(m, settings)?.map((s) => s.id), ['x', 'y']);
    assert.equal(pickCompaction(manifest([ref('x', 1, 1000), ref('z', 1, 100_000)]), settings), null);
  });

  it('merges everything on request when there is anything to gain', () => {
    assert.equal(pickCompaction(manifest([ref('x', 1, 1000)]), settings, true), null);
    assert.equal(pickCompaction(manifest([ref('x', 1, 1000, 2)]), settings, true)?.length, 1);
    assert.equal(pickCompaction(manifest([ref('x', 1, 1000), ref('a', 0, 1)]), settings, true)?.length, 2);
  });
});
