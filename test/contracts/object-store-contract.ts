/**
 * Behaviour every ObjectStore adapter must show, runnable against any of them (fs, S3/MinIO).
 * Each test works under its own random key prefix, so suites may share a bucket or directory.
 */

import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  ObjectExistsError,
  ObjectNotFoundError,
  ObjectStoreUnavailableError,
  type ObjectStore,
} from '../../src/shared/ports/object-store.ts';

export interface ObjectStoreFixture {
  store: ObjectStore;
  /** Removes whatever the store left behind (directory, bucket contents). */
  cleanup(): Promise<void>;
}

/** Registers the contract tests for one adapter; `open` is called once per describe block. */
export function runObjectStoreContract(name: string, open: () => Promise<ObjectStoreFixture>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let fixture: ObjectStoreFixture;
    let store: ObjectStore;
    before(async () => {
      fixture = await open();
      store = fixture.store;
    });
    after(async () => {
      await store.close();
      await fixture.cleanup();
    });

    /** A fresh key prefix, so tests never see each other's objects. */
    const scope = () => `contract/${randomUUID()}/`;

    it('round-trips binary content and reports its metadata', async () => {
      const key = `${scope()}binary.bin`;
      const body = Uint8Array.from({ length: 1024 }, (_, i) => (i * 7) % 256);
      const before = Date.now();
      const info = await store.put(key, body);
      assert.equal(info.key, key);
      assert.equal(info.size, body.length);
      assert.equal(typeof info.etag, 'string');
      assert.ok(info.etag.length > 0);
      // Loose bounds: the server's clock may differ from ours.
      assert.ok(Math.abs(info.lastModified - before) < 24 * 3600 * 1000, 'lastModified is ms');
      assertBytes(await store.get(key), body);
    });

    it('round-trips an empty object', async () => {
      const key = `${scope()}empty`;
      await store.put(key, new Uint8Array(0));
      assertBytes(await store.get(key), new Uint8Array(0));
      assert.equal((await store.head(key))?.size, 0);
    });

    it('round-trips a 5 MiB object', async () => {
      const key = `${scope()}big.bin`;
      const body = new Uint8Array(randomBytes(5 * 1024 * 1024));
      const info = await store.put(key, body);
      assert.equal(info.size, body.length);
      assertBytes(await store.get(key), body);
      assertBytes(await store.get(key, { offset: 3 * 1024 * 1024, length: 1024 * 1024 }),
        body.subarray(3 * 1024 * 1024, 4 * 1024 * 1024));
    });

    it('round-trips keys with non-ASCII characters', async () => {
      const key = `${scope()}données/日本/😀.bin`;
      await store.put(key, Uint8Array.of(1, 2, 3));
      assertBytes(await store.get(key), Uint8Array.of(1, 2, 3));
      assert.deepEqual((await store.list(key)).map((o) => o.key), [key]);
    });

    it('overwrites an existing key and changes its etag', async () => {
      const key = `${scope()}obj`;
      const first = await store.put(key, Uint8Array.of(1, 2, 3));
      const second = await store.put(key, Uint8Array.of(9, 8, 7, 6));
      assertBytes(await store.get(key), Uint8Array.of(9, 8, 7, 6));
      assert.equal(second.size, 4);
      assert.notEqual(second.etag, first.etag);
      assert.equal((await store.head(key))?.etag, second.etag);
    });

    it('rejects get of a missing key with ObjectNotFoundError', async () => {
      const key = `${scope()}missing`;
      await assert.rejects(store.get(key), (err: unknown) => {
        assert.ok(err instanceof ObjectNotFoundError);
        assert.equal(err.key, key);
        return true;
      });
      await assert.rejects(store.get(key, { offset: 0, length: 10 }), ObjectNotFoundError);
    });

    it('reads byte ranges, shortened when the object ends first', async () => {
      const key = `${scope()}ranged`;
      const body = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
      await store.put(key, body);
      assertBytes(await store.get(key, { offset: 10, length: 20 }), body.subarray(10, 30));
      assertBytes(await store.get(key, { offset: 0, length: 1 }), body.subarray(0, 1));
      assertBytes(await store.get(key, { offset: 995, length: 100 }), body.subarray(995));
      assertBytes(await store.get(key, { offset: 0, length: 1000 }), body);
      assertBytes(await store.get(key, { offset: 999, length: 1 }), body.subarray(999));
    });

    it('head returns the metadata put returned, or null for a missing key', async () => {
      const key = `${scope()}headed`;
      const info = await store.put(key, new Uint8Array(321));
      const head = await store.head(key);
      assert.ok(head !== null);
      assert.equal(head.key, key);
      assert.equal(head.size, 321);
      assert.equal(head.etag, info.etag);
      assert.ok(Math.abs(head.lastModified - info.lastModified) < 2000);
      assert.equal(await store.head(`${scope()}nothing`), null);
    });

    it('lists keys sorted, with string-prefix semantics and isolation', async () => {
      const p = scope();
      const keys = [`${p}b/x/y`, `${p}a/2`, `${p}ab`, `${p}a/1`, `${p}z`, `${p}a/0/deep/er`];
      for (const key of keys) await store.put(key, new TextEncoder().encode(key));
      const other = scope();
      await store.put(`${other}a/1`, Uint8Array.of(0));

      const all = await store.list(p);
      assert.deepEqual(all.map((o) => o.key), [...keys].sort());
      for (const o of all) assert.equal(o.size, new TextEncoder().encode(o.key).length);
      assert.deepEqual((await store.list(`${p}a`)).map((o) => o.key),
        [`${p}a/0/deep/er`, `${p}a/1`, `${p}a/2`, `${p}ab`]);
      assert.deepEqual((await store.list(`${p}a/`)).map((o) => o.key),
        [`${p}a/0/deep/er`, `${p}a/1`, `${p}a/2`]);
      assert.deepEqual((await store.list(`${p}b/x/y`)).map((o) => o.key), [`${p}b/x/y`]);
      assert.deepEqual(await store.list(`${p}nope`), []);
      assert.deepEqual(await store.list(`${scope()}`), []);

      const head = await store.head(`${p}ab`);
      assert.equal(all.find((o) => o.key === `${p}ab`)?.etag, head?.etag);
    });

    it('deletes idempotently, and the key can be written again', async () => {
      const p = scope();
      const key = `${p}nested/dir/obj`;
      await store.put(key, Uint8Array.of(1));
      await store.put(`${p}keep`, Uint8Array.of(2));
      await store.delete(key);
      assert.equal(await store.head(key), null);
      await assert.rejects(store.get(key), ObjectNotFoundError);
      assert.deepEqual((await store.list(p)).map((o) => o.key), [`${p}keep`]);
      await store.delete(key);
      await store.delete(`${scope()}never/existed`);
      await store.put(key, Uint8Array.of(3));
      assertBytes(await store.get(key), Uint8Array.of(3));
    });

    it('ifNoneMatch refuses an existing key and leaves it unchanged', async () => {
      const key = `${scope()}once`;
      await store.put(key, Uint8Array.of(1), { ifNoneMatch: true });
      await assert.rejects(store.put(key, Uint8Array.of(2), { ifNoneMatch: true }), (err: unknown) => {
        assert.ok(err instanceof ObjectExistsError);
        assert.equal(err.key, key);
        return true;
      });
      assertBytes(await store.get(key), Uint8Array.of(1));
      await store.delete(key);
      await store.put(key, Uint8Array.of(3), { ifNoneMatch: true });
      assertBytes(await store.get(key), Uint8Array.of(3));
    });

    it('lets exactly one of many concurrent ifNoneMatch puts win', async () => {
      const key = `${scope()}contended`;
      const bodies = Array.from({ length: 12 }, (_, i) => new Uint8Array(4096).fill(i + 1));
      const results = await Promise.allSettled(
        bodies.map((body) => store.put(key, body, { ifNoneMatch: true })),
      );
      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      assert.equal(winners.length, 1, 'exactly one put succeeds');
      for (const r of results) {
        if (r.status === 'rejected') assert.ok(r.reason instanceof ObjectExistsError, String(r.reason));
      }
      assertBytes(await store.get(key), bodies[winners[0]]);
    });

    it('never shows a partially written object to concurrent readers', async () => {
      const key = `${scope()}swapped`;
      const size = 256 * 1024;
      await store.put(key, new Uint8Array(size).fill(1));
      let writing = true;
      const writer = (async () => {
        for (let i = 0; i < 20; i++) await store.put(key, new Uint8Array(size).fill(i % 2 === 0 ? 2 : 1));
        writing = false;
      })();
      let reads = 0;
      while (writing) {
        const got = await store.get(key);
        assert.equal(got.length, size);
        assert.ok(got.every((b) => b === got[0]), 'object content is from a single put');
        reads++;
      }
      await writer;
      assert.ok(reads > 0);
    });

    it('rejects invalid keys with a plain error before doing anything', async () => {
      const p = scope();
      const invalid = ['', '/abs', `${p}a//b`, `${p}a/../b`, '../escape', `${p}./x`, `${p}trail/`,
        `${p}nul\0byte`, `${p}${'x'.repeat(1100)}`];
      for (const key of invalid) {
        const label = JSON.stringify(key.slice(0, 60));
        const isPlain = (err: unknown) =>
          err instanceof Error &&
          !(err instanceof ObjectStoreUnavailableError) &&
          !(err instanceof ObjectNotFoundError);
        await assert.rejects(store.put(key, Uint8Array.of(1)), isPlain, `put ${label}`);
        await assert.rejects(store.get(key), isPlain, `get ${label}`);
        await assert.rejects(store.head(key), isPlain, `head ${label}`);
        await assert.rejects(store.delete(key), isPlain, `delete ${label}`);
      }
      assert.deepEqual(await store.list(p), []);
    });

    it('close is idempotent', async () => {
      const extra = await open();
      await extra.store.put(`${scope()}x`, Uint8Array.of(1));
      await extra.store.close();
      await extra.store.close();
      await extra.cleanup();
    });
  });
}

/** Byte-wise equality that accepts any Uint8Array subclass (Buffer, plain Uint8Array). */
function assertBytes(actual: Uint8Array, expected: Uint8Array): void {
  assert.ok(actual instanceof Uint8Array, 'result is a Uint8Array');
  assert.equal(actual.length, expected.length, 'length');
  assert.ok(Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength)
    .equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength)), 'content');
}
