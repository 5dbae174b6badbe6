/**
 * Privilege checks: Milvus privilege names and groups mapped onto levels, grants matched by
 * database and collection, self-service, and the route table.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthSnapshot, Grant, RoleRecord } from '../../../src/shared/catalog/auth-records.ts';
import { isAllowed } from '../../../src/proxy/auth/authorizer.ts';
import type { Principal } from '../../../src/proxy/auth/principal.ts';
import { levelsOf } from '../../../src/proxy/auth/privileges.ts';
import { hasRequirement, requirementOf } from '../../../src/proxy/auth/route-privileges.ts';
import { grantV2 } from '../../../src/proxy/auth/role-grants.ts';
import { allRoutes } from '../../../src/proxy/routes/index.ts';

const V = '/v2/vectordb';

function grant(privilege: string, dbName: string, objectName = '*', objectType = 'Collection'): Grant {
  return { objectType, objectName, dbName, privilege, grantor: 'root' };
}

function snapshotWith(roles: Record<string, Grant[]>): AuthSnapshot {
  const records = new Map<string, RoleRecord>(Object.entries(roles).map(([name, grants]) => [name, { name, grants, createdAt: 0 }]));
  return { users: new Map(), roles: records, apiKeys: new Map() };
}

function user(name: string, roles: string[], kind: Principal['kind'] = 'user'): Principal {
  return { kind, name, superuser: false, roles: [...roles, 'public'], keyId: kind === 'apiKey' ? 'k1' : undefined };
}

function allowed(s: AuthSnapshot, p: Principal, path: string, dbName: string, body: Record<string, unknown> = {}): boolean {
  return isAllowed(s, p, requirementOf(`${V}/${path}`), { dbName, body });
}

describe('privilege levels', () => {
  it('gives a single privilege its own level only', () => {
    assert.deepEqual(levelsOf('Search'), ['collection.read']);
    assert.deepEqual(levelsOf('Insert'), ['collection.write']);
    assert.deepEqual(levelsOf('CreateCollection'), ['database.admin']);
    assert.deepEqual(levelsOf('CreateOwnership'), ['cluster.admin']);
  });
  it('gives a built-in group its tier and the tiers below', () => {
    assert.deepEqual(levelsOf('CollectionReadOnly'), ['collection.read']);
    assert.deepEqual(levelsOf('DatabaseReadWrite'), ['database.read', 'database.write']);
    assert.deepEqual(levelsOf('ClusterAdmin'), ['cluster.read', 'cluster.write', 'cluster.admin']);
    assert.equal(levelsOf('*')?.length, 9);
    assert.equal(levelsOf('NoSuchPrivilege'), null);
  });
  it('places v2 grants by the privilege scope', () => {
    assert.deepEqual(grantV2('ClusterReadOnly', 'a', 'c', 'root'), { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'ClusterReadOnly', grantor: 'root' });
    assert.deepEqual(grantV2('DatabaseAdmin', 'a', 'c', 'root'), { objectType: 'Global', objectName: '*', dbName: 'a', privilege: 'DatabaseAdmin', grantor: 'root' });
    assert.deepEqual(grantV2('Search', 'a', 'c', 'root'), { objectType: 'Collection', objectName: 'c', dbName: 'a', privilege: 'Search', grantor: 'root' });
  });
});

describe('authorisation', () => {
  const s = snapshotWith({
    tenant_a: [grant('CollectionReadWrite', 'db_a'), grant('DatabaseAdmin', 'db_a', '*', 'Global')],
    reader_b: [grant('Search', 'db_b', 'docs')],
    writer: [grant('Insert', 'db_a')],
    public: [grant('DescribeCollection', 'shared', 'pub')],
    auditor: [grant('ClusterReadOnly', '*', '*', 'Global')],
  });
  const alice = user('alice', ['tenant_a']);
  const bob = user('bob', ['reader_b']);

  it('keeps a tenant inside its database', () => {
    assert.equal(allowed(s, alice, 'entities/search', 'db_a', { collectionName: 'x' }), true);
    assert.equal(allowed(s, alice, 'entities/insert', 'db_a', { collectionName: 'x' }), true);
    assert.equal(allowed(s, alice, 'collections/create', 'db_a', { collectionName: 'y' }), true);
    assert.equal(allowed(s, alice, 'entities/search', 'db_b', { collectionName: 'docs' }), false);
    assert.equal(allowed(s, alice, 'collections/list', 'db_b'), false);
    assert.equal(allowed(s, alice, 'collections/list', 'db_a'), true);
    assert.equal(allowed(s, alice, 'databases/create', 'db_c'), false);
    assert.equal(allowed(s, alice, 'users/list', 'default'), false);
  });
  it('matches collection grants by name', () => {
    assert.equal(allowed(s, bob, 'entities/search', 'db_b', { collectionName: 'docs' }), true);
    assert.equal(allowed(s, bob, 'entities/query', 'db_b', { collectionName: 'docs' }), true, 'the read tier');
    assert.equal(allowed(s, bob, 'entities/search', 'db_b', { collectionName: 'other' }), false);
    assert.equal(allowed(s, bob, 'entities/insert', 'db_b', { collectionName: 'docs' }), false);
    assert.equal(allowed(s, bob, 'collections/list', 'db_b'), true, 'any grant in the database allows listing');
    assert.equal(allowed(s, bob, 'collections/create', 'db_b', { collectionName: 'docs' }), false);
  });
  it('lets a write-only grant write but not read', () => {
    const w = user('w', ['writer'], 'apiKey');
    assert.equal(allowed(s, w, 'entities/insert', 'db_a', { collectionName: 'x' }), true);
    assert.equal(allowed(s, w, 'entities/upsert', 'db_a', { collectionName: 'x' }), true, 'the write tier');
    assert.equal(allowed(s, w, 'entities/search', 'db_a', { collectionName: 'x' }), false);
    assert.equal(allowed(s, w, 'collections/drop', 'db_a', { collectionName: 'x' }), false);
  });
  it('applies public grants to everyone', () => {
    const nobody = user('nobody', []);
    assert.equal(allowed(s, nobody, 'collections/describe', 'shared', { collectionName: 'pub' }), true);
    assert.equal(allowed(s, nobody, 'collections/describe', 'shared', { collectionName: 'private' }), false);
  });
  it('needs the level on both databases of a rename', () => {
    assert.equal(allowed(s, alice, 'collections/rename', 'db_a', { collectionName: 'x', newCollectionName: 'y' }), true);
    assert.equal(allowed(s, alice, 'collections/rename', 'db_a', { collectionName: 'x', newDbName: 'db_b' }), false);
  });
  it('allows self-service with a password, not with a key', () => {
    assert.equal(allowed(s, alice, 'users/update_password', 'default', { userName: 'alice' }), true);
    assert.equal(allowed(s, alice, 'users/update_password', 'default', { userName: 'bob' }), false);
    assert.equal(allowed(s, user('alice', ['tenant_a'], 'apiKey'), 'users/create_api_key', 'default', { userName: 'alice' }), false);
  });
  it('gives cluster read to auditors, nothing more', () => {
    const a = user('a', ['auditor']);
    assert.equal(allowed(s, a, 'users/list', 'default'), true);
    assert.equal(allowed(s, a, 'databases/list', 'default'), true);
    assert.equal(allowed(s, a, 'users/create', 'default'), false);
    assert.equal(allowed(s, a, 'entities/search', 'db_a', { collectionName: 'x' }), false);
  });
  it('lets superusers do anything', () => {
    assert.equal(allowed(s, { ...alice, superuser: true }, 'databases/drop', 'db_b'), true);
  });
});

describe('route table', () => {
  it('names a requirement for every route, and closes unknown paths', () => {
    const missing = allRoutes.map((r) => r.path).filter((p) => !hasRequirement(p));
    assert.deepEqual(missing, []);
    assert.equal(requirementOf(`${V}/something/new`).level, 'cluster.admin');
  });
});
