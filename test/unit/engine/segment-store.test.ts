import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openFsObjectStore } from '../../../src/shared/adapters/fs/fs-object-store.ts';
import { segmentPrefix } from '../../../src/shared/manifest/manifest.ts';
import type { ObjectStore } from '../../../src/shared/ports/object-store.ts';
import type { FieldSchema } from '../../../src/shared/schema/types.ts';
import type { SegmentData } from '../../../src/shared/segment/format.ts';
import { SegmentStore } from '../../../src/shared/segment/store.ts';

const fields = [{ name: 'v', fieldId: 101 }] as unknown as FieldSchema[];

function data(n: number, dim = 3): SegmentData {
  return {
    pks: Array.from({ length: n }, (_, i) => i),
    partitions: new Array(n).fill(7),
    lsns: Float64Array.from({ length: n }, (_, i) => 10 + i),
    ts: Float64Array.from({ length: n }, () => 1234),
    vectors: { v: { kind: 'f32', dim, data: Float32Array.from({ length: n * dim }, (_, i) => i / 2) } },
    scalars: { tag: Array.from({ length: n }, (_, i) => `t${i}`) },
    tombstones: { pks: [99], lsns: Float64Array.from([9]) },
  };
}

/** Counts the object-store calls that reach the store. */
function counting(inner: ObjectStore) {
  const calls = { put: 0, get: 0 };
  const store: ObjectStore = {
    ...inner,
    put: (k, b, o) => (calls.put++, inner.put(k, b, o)),
    get: (k, r) => (calls.get++, inner.get(k, r)),
    head: (k) => inner.head(k),
    list: (p) => inner.list(p),
    delete: (k) => inner.delete(k),
    close: () => inner.close(),
  };
  return { store, calls };
}

describe('segment store', () => {
  let dir: string;
  let objects: ObjectStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-segments-'));
    objects = await openFsObjectStore({ root: dir });
  });
  after(async () => {
    await objects.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a flat segment as one object and reads it back with one get', async () => {
    const { store, calls } = counting(objects);
    const segments = new SegmentStore(store);
    const { ref } = await segments.write({ collectionId: 1, shard: 0, id: 'packed', level: 0, lsnMin: 9, lsnMax: 14, data: data(5), fields, now: 42 });
    assert.equal(calls.put, 1, 'one put');
    assert.deepEqual((await objects.list(segmentPrefix(1, 0, 'packed'))).map((o) => o.key.split('/').pop()), ['segment.bin']);
    assert.equal(ref.rows, 5);
    assert.equal(ref.createdAt, 42);
    const meta = await segments.readMeta(1, 0, 'packed');
    const got = await segments.readData(meta);
    assert.equal(calls.get, 1, 'one get');
    assert.deepEqual(got.pks, [0, 1, 2, 3, 4]);
    assert.deepEqual([...got.lsns], [10, 11, 12, 13, 14]);
    assert.deepEqual(got.scalars.tag, ['t0', 't1', 't2', 't3', 't4']);
    assert.deepEqual([...(got.vectors.v.data as Float32Array)], [...data(5).vectors.v.data]);
    assert.deepEqual(got.tombstones.pks, [99]);
    // After readData the bytes are let go; a later read of a file fetches just its range.
    assert.equal((await segments.readFile(meta, 'tombstones.bin')).length, meta.files['tombstones.bin'].bytes);
    assert.equal(calls.get, 2);
  });

  it('packs an indexed segment too, serving the HNSW file from the same get', async () => {
    const { store, calls } = counting(objects);
    const segments = new SegmentStore(store);
    const hnsw = { v: { bytes: Uint8Array.from([1, 2, 3, 4]), meta: { metric: 'L2' as const, quantization: 'f32' as const, M: 16, efConstruction: 64 } } };
    await segments.write({ collectionId: 1, shard: 0, id: 'indexed', level: 1, lsnMin: 9, lsnMax: 14, data: data(5), fields, hnsw, now: 42 });
    assert.equal(calls.put, 1);
    const meta = await segments.readMeta(1, 0, 'indexed');
    assert.deepEqual((await segments.readData(meta)).pks, [0, 1, 2, 3, 4]);
    assert.deepEqual([...(await segments.readFile(meta, 'hnsw-101.usearch'))], [1, 2, 3, 4]);
    assert.equal(calls.get, 1);
  });

  it('writes a large segment loose, meta.json last, and reads it', async () => {
    const { store, calls } = counting(objects);
    const segments = new SegmentStore(store);
    const big = data(33_000, 128); // 16.9 MB of vectors: above the packing limit
    await segments.write({ collectionId: 1, shard: 0, id: 'loose', level: 0, lsnMin: 9, lsnMax: 14, data: big, fields, now: 42 });
    const names = (await objects.list(segmentPrefix(1, 0, 'loose'))).map((o) => o.key.split('/').pop()).sort();
    assert.deepEqual(names, ['meta.json', 'rows.bin', 'tombstones.bin', 'vec-101.bin']);
    assert.equal(calls.put, 4);
    const meta = await segments.readMeta(1, 0, 'loose');
    const got = await segments.readData(meta);
    assert.equal(got.pks.length, 33_000);
    assert.equal(got.vectors.v.data.length, 33_000 * 128);
    await segments.remove(1, 0, 'loose');
    assert.deepEqual(await objects.list(segmentPrefix(1, 0, 'loose')), []);
  });

  it('refuses a packed segment whose bytes were altered', async () => {
    const segments = new SegmentStore(objects);
    await segments.write({ collectionId: 1, shard: 0, id: 'bad', level: 0, lsnMin: 9, lsnMax: 14, data: data(5), fields, now: 42 });
    const key = segmentPrefix(1, 0, 'bad') + 'segment.bin';
    const bytes = await objects.get(key);
    bytes[bytes.length - 1] ^= 0xff;
    await objects.put(key, bytes);
    const meta = await segments.readMeta(1, 0, 'bad');
    await assert.rejects(segments.readData(meta), /corrupt/);
    await segments.remove(1, 0, 'bad');
    assert.deepEqual(await objects.list(segmentPrefix(1, 0, 'bad')), []);
  });
});
