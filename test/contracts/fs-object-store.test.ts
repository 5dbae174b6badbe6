/**
 * The ObjectStore contract against the fs adapter, plus what only a local directory can show:
 * persistence across reopen, the on-disk layout, containment of keys, crash leftovers.
 */

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openFsObjectStore } from '../../src/shared/adapters/fs/fs-object-store.ts';
import {
  ObjectNotFoundError,
  ObjectStoreUnavailableError,
} from '../../src/shared/ports/object-store.ts';
import { runObjectStoreContract } from './object-store-contract.ts';

const newRoot = () => mkdtemp(path.join(tmpdir(), 'quiver-fs-store-'));

runObjectStoreContract('fs', async () => {
  const root = await newRoot();
  const store = await openFsObjectStore({ root });
  return { store, cleanup: () => rm(root, { recursive: true, force: true }) };
});

describe('fs object store', () => {
  const roots: string[] = [];
  const freshRoot = async () => {
    const root = await newRoot();
    roots.push(root);
    return root;
  };
  after(async () => {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  it('keeps objects across close and reopen', async () => {
    const root = await freshRoot();
    const first = await openFsObjectStore({ root });
    const info = await first.put('segments/s1/data.bin', Uint8Array.of(5, 6, 7));
    await first.put('manifests/m1', new TextEncoder().encode('{"v":1}'));
    await first.close();

    const second = await openFsObjectStore({ root });
    assert.deepEqual(await second.get('segments/s1/data.bin'), Uint8Array.of(5, 6, 7));
    assert.deepEqual((await second.list('')).map((o) => o.key), ['manifests/m1', 'segments/s1/data.bin']);
    assert.equal((await second.head('segments/s1/data.bin'))?.etag, info.etag);
    await second.close();
  });

  it('stores each key as a file under objects/ and prunes empty directories on delete', async () => {
    const root = await freshRoot();
    const store = await openFsObjectStore({ root });
    await store.put('a/b/c.bin', Uint8Array.of(1, 2));
    assert.equal((await stat(path.join(root, 'objects', 'a', 'b', 'c.bin'))).size, 2);
    await store.delete('a/b/c.bin');
    await assert.rejects(stat(path.join(root, 'objects', 'a')), { code: 'ENOENT' });
    assert.deepEqual(await readdir(path.join(root, 'objects')), []);
    assert.deepEqual(await readdir(path.join(root, 'tmp')), [], 'no temp files left behind');
    await store.close();
  });

  it('never touches anything outside its root for hostile keys', async () => {
    const parent = await freshRoot();
    const root = path.join(parent, 'store');
    const store = await openFsObjectStore({ root });
    const hostile = ['../outside', 'x/../../outside', '/tmp/outside', 'a/./b', 'back\\slash',
      `${'y'.repeat(256)}/z`, 'bad\uD800surrogate'];
    for (const key of hostile) {
      await assert.rejects(store.put(key, Uint8Array.of(1)), (err: unknown) =>
        err instanceof Error && !(err instanceof ObjectStoreUnavailableError) && /invalid object key/.test(err.message));
      await assert.rejects(store.delete(key), /invalid object key/);
    }
    assert.deepEqual(await readdir(parent), ['store']);
    assert.deepEqual(await readdir(path.join(root, 'objects')), []);
    assert.deepEqual(await store.list('../'), []);
    assert.deepEqual(await store.list('/'), []);
    await store.close();
  });

  it('refuses a key that is also a directory of other keys, with a plain error', async () => {
    const root = await freshRoot();
    const store = await openFsObjectStore({ root });
    await store.put('p/file', Uint8Array.of(1));
    await store.put('q/dir/inner', Uint8Array.of(2));
    const isLayoutError = (err: unknown) =>
      err instanceof Error && !(err instanceof ObjectStoreUnavailableError) && /prefix of another/.test(err.message);
    await assert.rejects(store.put('p/file/below', Uint8Array.of(3)), isLayoutError);
    await assert.rejects(store.put('p/file/deeper/below', Uint8Array.of(3)), isLayoutError);
    await assert.rejects(store.put('q/dir', Uint8Array.of(4)), isLayoutError);
    await assert.rejects(store.put('q/dir', Uint8Array.of(4), { ifNoneMatch: true }), isLayoutError);
    await assert.rejects(store.get('p/file/below'), ObjectNotFoundError);
    await assert.rejects(store.get('q/dir'), ObjectNotFoundError);
    assert.equal(await store.head('q/dir'), null);
    assert.equal(await store.head('p/file/below'), null);
    await store.delete('q/dir');
    assert.deepEqual((await store.list('')).map((o) => o.key), ['p/file', 'q/dir/inner']);
    await store.close();
  });

  it('hides in-flight temp files from listings and sweeps stale ones on open', async () => {
    const root = await freshRoot();
    const store = await openFsObjectStore({ root });
    await store.put('kept', Uint8Array.of(1));
    await store.close();
    const stale = path.join(root, 'tmp', 'crashed.partial');
    const fresh = path.join(root, 'tmp', 'in-flight.partial');
    await writeFile(stale, 'half');
    await writeFile(fresh, 'half');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, old, old);

    const reopened = await openFsObjectStore({ root });
    assert.deepEqual((await readdir(path.join(root, 'tmp'))).sort(), ['in-flight.partial']);
    assert.deepEqual((await reopened.list('')).map((o) => o.key), ['kept']);
    await reopened.close();
  });

  it('reports a broken store directory as ObjectStoreUnavailableError', async () => {
    const root = await freshRoot();
    const store = await openFsObjectStore({ root });
    await rm(path.join(root, 'tmp'), { recursive: true });
    await assert.rejects(store.put('k', Uint8Array.of(1)), ObjectStoreUnavailableError);
    await mkdir(path.join(root, 'tmp'));
    await store.put('k', Uint8Array.of(1));
    await store.close();
    await assert.rejects(store.get('k'), ObjectStoreUnavailableError);
  });

  it('rejects malformed ranges without reading', async () => {
    const root = await freshRoot();
    const store = await openFsObjectStore({ root });
    await store.put('r', Uint8Array.of(1, 2, 3));
    await assert.rejects(store.get('r', { offset: -1, length: 2 }), RangeError);
    await assert.rejects(store.get('r', { offset: 0, length: 1.5 }), RangeError);
    assert.deepEqual(await store.get('r', { offset: 10, length: 2 }), new Uint8Array(0));
    await store.close();
  });
});
