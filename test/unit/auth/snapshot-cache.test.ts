/**
 * Two proxies over one coordinator: a change made through one (a new key, a revoked key, a new
 * password) reaches the other through the coordinator watch, without waiting for the cache TTL.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AccessControl, defaultAccessSettings } from '../../../src/proxy/auth/access-control.ts';
import { ensureRootUser } from '../../../src/proxy/auth/bootstrap.ts';
import { pbkdf2Hasher } from '../../../src/proxy/auth/password-hash.ts';
import { createApiKey, createUser, revokeApiKey } from '../../../src/proxy/auth/user-accounts.ts';
import { openLocalCoordinator } from '../../../src/shared/adapters/local-coordinator/local-coordinator.ts';
import { QuiverError } from '../../../src/shared/errors.ts';
import type { Coordinator } from '../../../src/shared/ports/coordinator.ts';

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const admits = (ac: AccessControl, header: string) =>
  ac.admit(header).then(
    () => true,
    (err: unknown) => {
      if (err instanceof QuiverError && err.code === 1800) return false;
      throw err;
    },
  );

describe('auth records shared by proxies', () => {
  let dir = '';
  let coordinator: Coordinator;
  let a: AccessControl;
  let b: AccessControl;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'quiver-auth-cache-'));
    coordinator = await openLocalCoordinator({ path: path.join(dir, 'coordinator') });
    const make = () => new AccessControl({
      coordinator,
      hasher: pbkdf2Hasher(1000),
      settings: { ...defaultAccessSettings(), authEnabled: true, cacheTtlMs: 600_000 },
      now: () => Date.now(),
    });
    a = make();
    b = make();
    assert.equal(await ensureRootUser(a, 'root-pw-1', Date.now()), true);
    assert.equal(await ensureRootUser(b, 'other-pw', Date.now()), false, 'the first root wins');
    a.start();
    b.start();
  });
  after(async () => {
    a.close();
    b.close();
    await coordinator.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sees users and keys created and revoked through another proxy', async () => {
    assert.equal(await admits(b, 'Bearer root:root-pw-1'), true, 'b caches the snapshot now');
    await createUser(a, 'gina', 'gina-pw-1', Date.now());
    await eventually(() => admits(b, 'Bearer gina:gina-pw-1'), 'b sees the new user');
    const root = await a.admit('Bearer root:root-pw-1');
    const { apiKey, keyId } = await createApiKey(a, root, 'gina', '', Date.now());
    await eventually(() => admits(b, `Bearer ${apiKey}`), 'b sees the new key');
    await revokeApiKey(a, keyId, undefined);
    assert.equal(await admits(a, `Bearer ${apiKey}`), false, 'at once on the proxy that revoked it');
    await eventually(async () => !(await admits(b, `Bearer ${apiKey}`)), 'b refuses the revoked key');
  });
});
