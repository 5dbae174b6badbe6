import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openFsObjectStore } from '../../../src/shared/adapters/fs/fs-object-store.ts';
import { openLocalCoordinator } from '../../../src/shared/adapters/local-coordinator/local-coordinator.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { BackedUpCoordinator } from '../../../src/shared/recovery/backed-up-coordinator.ts';
import { GENERATION_KEY, manifestBackupKey } from '../../../src/shared/recovery/backup-keys.ts';
import type { ObjectStore } from '../../../src/shared/ports/object-store.ts';
import { RecoveryGuard, ensureCoordinatorData } from '../../../src/shared/recovery/restore.ts';

describe('coordinator backup and restore', () => {
  const dirs: string[] = [];
  after(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('rebuilds catalog keys, manifests and sentinel into an empty coordinator', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quiver-recovery-'));
    dirs.push(dir);
    const objects = await openFsObjectStore({ root: join(dir, 'objects') });
    const first = await openLocalCoordinator({ path: join(dir, 'c1') });
    const guard1 = new RecoveryGuard(first, objects, silentLogger);
    assert.equal((await guard1.check()).restored, false, 'a fresh deployment has nothing to restore');
    const c = new BackedUpCoordinator(first, objects, () => guard1.check());
    await c.commit([{ kind: 'put', key: 'catalog/coll/default/a', value: '{"id":1}' }, { kind: 'put', key: 'catalog/seq/rowid', value: '500' }]);
    await c.commit([{ kind: 'put', key: 'shard/manifest/1/0', value: '{"checkpoint":7}' }]);
    await c.commit([{ kind: 'put', key: 'shard/manifest/1/0', value: '{"checkpoint":9}' }]);
    await c.commit([{ kind: 'put', key: 'shard/watermark/1/0', value: 'transient' }]);
    await c.close();

    // A coordinator that lost everything (a new, empty store) over the same object store.
    const second = await openLocalCoordinator({ path: join(dir, 'c2') });
    const r = await ensureCoordinatorData(second, objects, silentLogger);
    assert.equal(r.restored, true);
    assert.equal((await second.get('catalog/coll/default/a'))?.value, '{"id":1}');
    assert.equal((await second.get('shard/manifest/1/0'))?.value, '{"checkpoint":9}', 'the newest manifest');
    assert.equal(await second.get('shard/watermark/1/0'), null, 'transient keys are not restored');
    assert.ok(Number((await second.get('catalog/seq/rowid'))?.value) > 500 + 2 ** 39, 'id sequences jump ahead');
    assert.equal((await second.get(GENERATION_KEY))?.value, '2');
    assert.equal((await ensureCoordinatorData(second, objects, silentLogger)).restored, false, 'idempotent');
    await second.close();
    await objects.close();
  });

  it('restores before a catalog write reaches an emptied coordinator', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quiver-recovery-'));
    dirs.push(dir);
    const objects = await openFsObjectStore({ root: join(dir, 'objects') });
    const first = await openLocalCoordinator({ path: join(dir, 'c1') });
    const g1 = new RecoveryGuard(first, objects, silentLogger);
    await g1.check();
    await new BackedUpCoordinator(first, objects, () => g1.check()).commit([{ kind: 'put', key: 'catalog/seq/id', value: '1005' }]);
    await first.close();
    const second = await openLocalCoordinator({ path: join(dir, 'c2') });
    const g2 = new RecoveryGuard(second, objects, silentLogger);
    const wrapped = new BackedUpCoordinator(second, objects, () => g2.check());
    // The write is conditional on the key being absent, as a fresh id sequence would be.
    await assert.rejects(wrapped.commit([{ kind: 'put', key: 'catalog/seq/id', value: '1001', expectedVersion: null }]));
    assert.equal((await second.get('catalog/seq/id'))?.value, String(1005 + 1_000_000));
    await second.close();
    await objects.close();
  });

  it('writes manifest backups off the commit path, newest last, retrying failures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quiver-recovery-'));
    dirs.push(dir);
    const objects = await openFsObjectStore({ root: join(dir, 'objects') });
    const inner = await openLocalCoordinator({ path: join(dir, 'c1') });
    const guard = new RecoveryGuard(inner, objects, silentLogger);
    await guard.check();
    // Manifest backup puts wait for `release`; the first one fails once.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const written: string[] = [];
    let failed = false;
    const slow: ObjectStore = {
      ...objects,
      put: async (key, body, o) => {
        if (!key.includes('/manifests/')) return objects.put(key, body, o);
        await gate;
        if (!failed) {
          failed = true;
          throw new Error('injected failure');
        }
        written.push(JSON.parse(new TextDecoder().decode(body)).value);
        return objects.put(key, body, o);
      },
      get: (k, r) => objects.get(k, r),
      head: (k) => objects.head(k),
      list: (p) => objects.list(p),
      delete: (k) => objects.delete(k),
      close: () => objects.close(),
    };
    const c = new BackedUpCoordinator(inner, slow, () => guard.check());
    for (let i = 1; i <= 5; i++) await c.commit([{ kind: 'put', key: 'shard/manifest/1/0', value: `{"checkpoint":${i}}` }]);
    assert.deepEqual(written, [], 'commits resolved before any backup was stored');
    release();
    await c.flushBackups();
    assert.equal(written[written.length - 1], '{"checkpoint":5}', 'the newest manifest is written last');
    assert.ok(written.length <= 2, `copies waiting behind a running write are replaced by newer ones: ${written}`);
    const stored = JSON.parse(new TextDecoder().decode(await objects.get(manifestBackupKey('shard/manifest/1/0'))));
    assert.equal(stored.value, '{"checkpoint":5}');
    await c.close();
    await objects.close();
  });
});
