/**
 * The edge's read-only coordinator over the backups BackedUpCoordinator writes: it serves the
 * newest catalog snapshot (bounded staleness, a miss re-reads), manifests from their backups,
 * tells watchers of catalog changes, and refuses every write.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openFsObjectStore } from '../../../src/shared/adapters/fs/fs-object-store.ts';
import { openLocalCoordinator } from '../../../src/shared/adapters/local-coordinator/local-coordinator.ts';
import { openBackupCoordinator, ReadOnlyCoordinatorError } from '../../../src/shared/adapters/object-store-coordinator/index.ts';
import { Catalog } from '../../../src/shared/catalog/catalog.ts';
import { CoordinatorUnavailableError } from '../../../src/shared/ports/coordinator.ts';
import type { ObjectStore } from '../../../src/shared/ports/object-store.ts';
import { BackedUpCoordinator } from '../../../src/shared/recovery/backed-up-coordinator.ts';
import { RecoveryGuard } from '../../../src/shared/recovery/restore.ts';
import { silentLogger } from '../../../src/shared/logger.ts';

describe('read-only coordinator over object-store backups', () => {
  const dirs: string[] = [];
  after(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  async function setup() {
    const dir = await mkdtemp(join(tmpdir(), 'quiver-edge-coord-'));
    dirs.push(dir);
    const objects = await openFsObjectStore({ root: join(dir, 'objects') });
    const raw = await openLocalCoordinator({ path: join(dir, 'coordinator') });
    const guard = new RecoveryGuard(raw, objects, silentLogger);
    await guard.check();
    const live = new BackedUpCoordinator(raw, objects, () => guard.check());
    let clock = 1_000_000;
    const edge = openBackupCoordinator({ objects, maxStalenessMs: 1000, missRefreshMs: 100, now: () => clock });
    return {
      objects,
      live,
      edge,
      tick: (ms: number) => (clock += ms),
      close: async () => {
        await live.close();
        await raw.close();
        await objects.close();
      },
    };
  }

  it('serves catalog keys of the newest snapshot, stale for at most maxStalenessMs', async () => {
    const s = await setup();
    await s.live.commit([{ kind: 'put', key: 'catalog/coll/default/a', value: '{"v":1}' }]);
    const first = await s.edge.get('catalog/coll/default/a');
    assert.equal(first?.value, '{"v":1}');

    await s.live.commit([{ kind: 'put', key: 'catalog/coll/default/a', value: '{"v":2}' }]);
    s.tick(500);
    assert.equal((await s.edge.get('catalog/coll/default/a'))?.value, '{"v":1}', 'within the staleness bound');
    s.tick(600);
    const second = await s.edge.get('catalog/coll/default/a');
    assert.equal(second?.value, '{"v":2}', 'past the bound: re-read');
    assert.ok(second!.version > first!.version, 'a newer snapshot has a higher version');
    await s.close();
  });

  it('re-reads the snapshot when a lookup misses, so a new collection is found at once', async () => {
    const s = await setup();
    const catalog = new Catalog(s.edge);
    await s.live.commit([{ kind: 'put', key: 'catalog/db/default', value: '{"name":"default"}' }]);
    assert.equal(await s.edge.get('catalog/coll/default/new'), null);
    await s.live.commit([{ kind: 'put', key: 'catalog/coll/default/new', value: '{"name":"new"}' }]);
    s.tick(150);
    assert.equal((await s.edge.get('catalog/coll/default/new'))?.value, '{"name":"new"}');
    assert.deepEqual((await s.edge.list('catalog/')).map((v) => v.key), ['catalog/coll/default/new', 'catalog/db/default']);
    assert.equal((await catalog.getDatabase('default'))?.name, 'default');
    await s.close();
  });

  it('reads manifests from their backups and lists them by prefix', async () => {
    const s = await setup();
    await s.live.commit([{ kind: 'put', key: 'shard/manifest/7/0', value: '{"checkpoint":3}' }]);
    await s.live.commit([{ kind: 'put', key: 'shard/manifest/7/1', value: '{"checkpoint":5}' }]);
    await s.live.commit([{ kind: 'put', key: 'shard/manifest/8/0', value: '{"checkpoint":1}' }]);
    await s.live.close(); // drains the background manifest backups
    assert.equal((await s.edge.get('shard/manifest/7/1'))?.value, '{"checkpoint":5}');
    assert.deepEqual((await s.edge.list('shard/manifest/7/')).map((v) => v.key), ['shard/manifest/7/0', 'shard/manifest/7/1']);
    assert.equal(await s.edge.get('shard/manifest/9/0'), null);
    assert.equal(await s.edge.get('shard/watermark/7/0'), null, 'transient keys are not backed up');
    await s.close();
  });

  it('tells watchers which catalog keys changed when it reads a newer snapshot', async () => {
    const s = await setup();
    await s.live.commit([{ kind: 'put', key: 'catalog/auth/user/a', value: '1' }]);
    await s.edge.get('catalog/auth/user/a');
    const heard: string[] = [];
    const stop = s.edge.watch('catalog/auth/', (k) => heard.push(k));
    await s.live.commit([{ kind: 'put', key: 'catalog/auth/user/b', value: '2' }, { kind: 'put', key: 'catalog/db/x', value: '3' }]);
    s.tick(2000);
    await s.edge.get('catalog/auth/user/a');
    assert.deepEqual(heard, ['catalog/auth/user/b']);
    stop();
    await s.close();
  });

  it('refuses writes and reports an unreachable store as unavailable', async () => {
    const s = await setup();
    await assert.rejects(s.edge.commit([{ kind: 'put', key: 'catalog/x', value: '1' }]), ReadOnlyCoordinatorError);
    await assert.rejects(s.edge.heartbeat({ id: 'p', role: 'edge', info: {} }, 1000), ReadOnlyCoordinatorError);
    const broken: ObjectStore = {
      ...s.objects,
      list: () => Promise.reject(new Error('connection refused')),
    };
    const edge = openBackupCoordinator({ objects: broken });
    await assert.rejects(edge.get('catalog/db/default'), CoordinatorUnavailableError);
    await s.close();
  });
});
