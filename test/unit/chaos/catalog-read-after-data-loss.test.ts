/**
 * Found by the chaos run (Redis FLUSHALL): between the loss of the coordinator's data and the
 * next periodic restore, a proxy answered "database not found" (800) to a write. A catalog read
 * that finds nothing must first make sure the coordinator was restored.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openFsObjectStore } from '../../../src/shared/adapters/fs/fs-object-store.ts';
import { openLocalCoordinator } from '../../../src/shared/adapters/local-coordinator/local-coordinator.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { BackedUpCoordinator } from '../../../src/shared/recovery/backed-up-coordinator.ts';
import { RecoveryGuard } from '../../../src/shared/recovery/restore.ts';

describe('catalog reads on a coordinator that lost its data', () => {
  const dirs: string[] = [];
  after(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('restore before answering that a catalog key is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quiver-chaos-restore-'));
    dirs.push(dir);
    const objects = await openFsObjectStore({ root: join(dir, 'objects') });
    const first = await openLocalCoordinator({ path: join(dir, 'c1') });
    const g1 = new RecoveryGuard(first, objects, silentLogger);
    await g1.check();
    await new BackedUpCoordinator(first, objects, () => g1.check()).commit([{ kind: 'put', key: 'catalog/db/default', value: '{"name":"default"}' }]);
    await first.close();

    // The same deployment on an emptied coordinator, before any periodic check ran.
    const second = await openLocalCoordinator({ path: join(dir, 'c2') });
    const g2 = new RecoveryGuard(second, objects, silentLogger);
    const wrapped = new BackedUpCoordinator(second, objects, () => g2.check());
    assert.equal((await wrapped.get('catalog/db/default'))?.value, '{"name":"default"}');
    assert.equal((await wrapped.list('catalog/db/')).length, 1);
    // A key that really is missing stays missing, and other keys are not affected.
    assert.equal(await wrapped.get('catalog/db/nope'), null);
    assert.equal(await wrapped.get('shard/watermark/1/0'), null);
    await second.close();
    await objects.close();
  });
});
