/**
 * Authentication and authorisation through the HTTP app: 401 for missing or wrong credentials,
 * tenants confined to their database (403 / 1401), API keys, password changes, and the /users/
 * and /roles/ endpoints' Milvus shapes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openAuthHarness, ROOT_PASSWORD, type AuthHarness } from './auth-harness.ts';

const UNAUTHENTICATED = { code: 1800, message: "user hasn't authenticated" };
const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

describe('auth through the app', () => {
  let h: AuthHarness;
  let root: ReturnType<AuthHarness['as']>;
  before(async () => {
    h = await openAuthHarness();
    root = h.as('root', ROOT_PASSWORD);
    for (const db of ['db_a', 'db_b']) {
      assert.equal((await root('databases/create', { dbName: db })).json.code, 0);
      assert.equal((await root('collections/create', { dbName: db, collectionName: 'docs', dimension: 4 })).json.code, 0);
    }
    assert.equal((await root('users/create', { userName: 'alice', password: 'alice-pw-1' })).json.code, 0);
    assert.equal((await root('roles/create', { roleName: 'tenant_a' })).json.code, 0);
    for (const privilege of ['DatabaseAdmin', 'CollectionReadWrite']) {
      const g = await root('roles/grant_privilege_v2', { roleName: 'tenant_a', privilege, dbName: 'db_a', collectionName: '*' });
      assert.equal(g.json.code, 0, JSON.stringify(g.json));
    }
    assert.equal((await root('users/grant_role', { userName: 'alice', roleName: 'tenant_a' })).json.code, 0);
  });
  after(async () => h.close());

  it('answers 401 / 1800 without credentials or with wrong ones, without reading the body', async () => {
    for (const authorization of [undefined, 'Bearer root:wrong', 'Bearer nobody:whatever', 'Bearer qv_0123456789abcdef_nope', basic('root', 'nope'), 'Bearer']) {
      const res = await h.call('collections/list', '{not json', authorization);
      assert.equal(res.status, 401, String(authorization));
      assert.deepEqual(res.json, UNAUTHENTICATED);
    }
  });

  it('accepts Bearer user:password and HTTP Basic', async () => {
    assert.deepEqual((await root('collections/list', {})).json, { code: 0, data: [] });
    const viaBasic = await h.call('collections/list', { dbName: 'db_a' }, basic('root', ROOT_PASSWORD));
    assert.deepEqual(viaBasic.json, { code: 0, data: ['docs'] });
  });

  it('confines a tenant to its database', async () => {
    const alice = h.as('alice', 'alice-pw-1');
    assert.deepEqual((await alice('collections/list', { dbName: 'db_a' })).json, { code: 0, data: ['docs'] });
    assert.equal((await alice('collections/describe', { dbName: 'db_a', collectionName: 'docs' })).json.code, 0);
    const denied = await alice('collections/describe', { dbName: 'db_b', collectionName: 'docs' });
    assert.equal(denied.status, 403);
    assert.equal(denied.json.code, 1401);
    assert.match(denied.json.message, /permission deny to alice in the `db_b` database/);
    const search = await alice('entities/search', { dbName: 'db_b', collectionName: 'docs', data: [[1, 2, 3, 4]] });
    assert.equal(search.status, 403);
    // The DB-Name header selects the database when the body has none.
    const viaHeader = await h.call('collections/list', {}, 'Bearer alice:alice-pw-1', { 'DB-Name': 'db_b' });
    assert.equal(viaHeader.status, 403);
    assert.equal((await alice('databases/create', { dbName: 'db_c' })).status, 403);
    assert.equal((await alice('users/list', {})).status, 403);
    assert.equal((await alice('collections/create', { dbName: 'db_a', collectionName: 'mine', dimension: 4 })).json.code, 0);
  });

  it('describes users and roles in Milvus shapes', async () => {
    assert.deepEqual((await root('users/list', {})).json, { code: 0, data: ['alice', 'root'] });
    assert.deepEqual((await root('users/describe', { userName: 'alice' })).json, { code: 0, data: ['tenant_a'] });
    assert.deepEqual((await root('roles/list', {})).json, { code: 0, data: ['admin', 'public', 'tenant_a'] });
    const d = await root('roles/describe', { roleName: 'tenant_a' });
    assert.deepEqual(d.json.data, [
      { objectType: 'Global', objectName: '*', dbName: 'db_a', grantor: 'root', privilege: 'DatabaseAdmin' },
      { objectType: 'Collection', objectName: '*', dbName: 'db_a', grantor: 'root', privilege: 'CollectionReadWrite' },
    ]);
    assert.deepEqual((await root('roles/describe', { roleName: 'tenant_a', dbName: 'db_b' })).json.data, []);
    const bad = await root('roles/grant_privilege', { roleName: 'tenant_a', objectType: 'Collection', objectName: '*', privilege: 'Fly' });
    assert.equal(bad.json.code, 1100);
    const dropHeld = await root('roles/drop', { roleName: 'tenant_a' });
    assert.equal(dropHeld.json.code, 65535);
    assert.match(dropHeld.json.message, /revoke the role from users first/);
    assert.equal((await root('users/create', { userName: 'alice', password: 'another-1' })).json.code, 65535);
    assert.equal((await root('users/create', { userName: 'bad name', password: 'another-1' })).json.code, 1100);
    assert.equal((await root('users/create', { userName: 'shorty', password: 'abc' })).json.code, 1100);
    assert.equal((await root('users/drop', { userName: 'root' })).json.code, 1100);
  });

  it('grants through the v1 endpoint and revokes', async () => {
    assert.equal((await root('users/create', { userName: 'bob', password: 'bob-pw-12' })).json.code, 0);
    const bob = h.as('bob', 'bob-pw-12');
    const q = { dbName: 'db_b', collectionName: 'docs' };
    assert.equal((await bob('collections/describe', q)).status, 403);
    const grant = { dbName: 'db_b', roleName: 'public', objectType: 'Collection', objectName: 'docs', privilege: 'DescribeCollection' };
    assert.equal((await root('roles/grant_privilege', grant)).json.code, 0);
    assert.equal((await bob('collections/describe', q)).json.code, 0, 'public grants apply to everyone');
    assert.equal((await root('roles/revoke_privilege', grant)).json.code, 0);
    assert.equal((await bob('collections/describe', q)).status, 403);
  });

  it('issues API keys that act as their user, and stop working when revoked', async () => {
    const created = await h.as('alice', 'alice-pw-1')('users/create_api_key', { userName: 'alice', description: 'ci' });
    assert.equal(created.json.code, 0, JSON.stringify(created.json));
    const { apiKey, keyId } = created.json.data;
    const withKey = (path: string, body: unknown) => h.call(path, body, `Bearer ${apiKey}`);
    assert.deepEqual((await withKey('collections/list', { dbName: 'db_a' })).json.data.sort(), ['docs', 'mine']);
    assert.equal((await withKey('collections/list', { dbName: 'db_b' })).status, 403);
    assert.equal((await withKey('users/create_api_key', { userName: 'alice' })).status, 403, 'a key cannot mint keys');
    const listed = await root('users/list_api_keys', { userName: 'alice' });
    assert.deepEqual(listed.json.data.map((k: any) => [k.keyId, k.userName, k.description, k.createdBy]), [[keyId, 'alice', 'ci', 'alice']]);
    assert.ok(!JSON.stringify(listed.json).includes(apiKey.slice(20)), 'listings never show the key');
    assert.equal((await root('users/revoke_api_key', { keyId, userName: 'bob' })).json.code, 65535, 'not bob’s key');
    assert.equal((await root('users/revoke_api_key', { keyId })).json.code, 0);
    assert.equal((await withKey('collections/list', { dbName: 'db_a' })).status, 401);
  });

  it('changes passwords: the old one stops working', async () => {
    assert.equal((await root('users/create', { userName: 'carol', password: 'carol-pw-1' })).json.code, 0);
    const carol = h.as('carol', 'carol-pw-1');
    assert.equal((await carol('users/describe', { userName: 'carol' })).json.code, 0, 'self-describe');
    const wrongOld = await carol('users/update_password', { userName: 'carol', password: 'nope-nope', newPassword: 'carol-pw-2' });
    assert.equal(wrongOld.json.code, 1400);
    const changed = await carol('users/update_password', { userName: 'carol', password: 'carol-pw-1', newPassword: 'carol-pw-2' });
    assert.equal(changed.json.code, 0);
    assert.equal((await carol('users/describe', { userName: 'carol' })).status, 401);
    assert.equal((await h.as('carol', 'carol-pw-2')('users/describe', { userName: 'carol' })).json.code, 0);
    // An administrator resets without the old password.
    assert.equal((await root('users/update_password', { userName: 'carol', newPassword: 'carol-pw-3' })).json.code, 0);
    assert.equal((await h.as('carol', 'carol-pw-3')('users/describe', { userName: 'carol' })).json.code, 0);
  });

  it('drops a user together with its keys', async () => {
    assert.equal((await root('users/create', { userName: 'dave', password: 'dave-pw-1' })).json.code, 0);
    const { apiKey } = (await root('users/create_api_key', { userName: 'dave' })).json.data;
    assert.equal((await root('users/drop', { userName: 'dave' })).json.code, 0);
    assert.equal((await h.call('collections/list', {}, `Bearer ${apiKey}`)).status, 401);
    assert.equal((await h.as('dave', 'dave-pw-1')('collections/list', {})).status, 401);
    assert.equal((await root('users/list_api_keys', { userName: 'dave' })).json.data.length, 0);
  });

  it('keeps stored records free of secrets', async () => {
    const all = await h.base.services.coordinator.list('catalog/auth/');
    const text = all.map((v) => v.value).join('\n');
    for (const secret of [ROOT_PASSWORD, 'alice-pw-1', 'carol-pw-3']) assert.ok(!text.includes(secret), secret);
  });
});

describe('rate limits and auth off', () => {
  it('answers 1807 over the rate, per principal', async () => {
    const h = await openAuthHarness({ rateLimit: { requestsPerSecond: 0.001, burst: 2 } });
    try {
      const root = h.as('root', 'root-secret-1');
      assert.equal((await root('users/create', { userName: 'erin', password: 'erin-pw-1' })).json.code, 0);
      const second = await root('collections/list', {});
      assert.equal(second.json.code, 0);
      const third = await root('collections/list', {});
      assert.equal(third.status, 200);
      assert.equal(third.json.code, 1807);
      assert.match(third.json.message, /rate limit exceeded\[user=root\]/);
      assert.equal((await h.as('erin', 'erin-pw-1')('collections/list', {})).status, 403, 'another user has its own bucket');
    } finally {
      await h.close();
    }
  });

  it('with auth off answers everyone and still serves the user endpoints', async () => {
    const h = await openAuthHarness({ authEnabled: false });
    try {
      assert.deepEqual((await h.call('collections/list', {})).json, { code: 0, data: [] });
      assert.equal((await h.call('users/create', { userName: 'frank', password: 'frank-pw-1' })).json.code, 0);
      assert.deepEqual((await h.call('users/list', {}, 'Bearer frank:wrong')).json, { code: 0, data: ['frank', 'root'] });
    } finally {
      await h.close();
    }
  });
});
