/**
 * Authentication, authorisation and request limits over HTTP against real standalone servers:
 * 401 / 1800 without or with wrong credentials, a tenant of one database denied another's,
 * API keys (working, then revoked), the Milvus SDK's HttpClient with `token: 'user:password'`
 * and with a key, the rate limit (1807), and the request limits (1100, nothing written).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HttpClient, HttpError } from '@zilliz/milvus2-sdk-node';
import { milvus, startStandaloneProcess, type StandaloneProcess } from '../helpers/standalone-process.ts';

const ROOT_PASSWORD = 'e2e-root-Pass';
const DIM = 4;
const vec = (i: number) => Array.from({ length: DIM }, (_, k) => Math.sin(i + k));
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** POSTs and returns the HTTP status with the parsed answer. */
async function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/v2/vectordb/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

describe('auth and limits over HTTP (auth on)', () => {
  let dir = '';
  let server: StandaloneProcess;
  const root = (path: string, body: unknown) => milvus(server.url, path, body, bearer(`root:${ROOT_PASSWORD}`));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-auth-e2e-'));
    server = await startStandaloneProcess(dir, {
      QUIVER_AUTH_ENABLED: 'true',
      QUIVER_AUTH_ROOT_PASSWORD: ROOT_PASSWORD,
      // Fast hashing keeps the test quick; production keeps the default.
      QUIVER_AUTH_PASSWORD_HASH_ITERATIONS: '20000',
      QUIVER_MAX_ROWS_PER_REQUEST: '50',
      QUIVER_MAX_FILTER_LENGTH: '2000',
    });
    for (const db of ['tenant_a', 'tenant_b']) {
      assert.equal((await root('databases/create', { dbName: db })).code, 0);
      const created = await root('collections/create', { dbName: db, collectionName: 'docs', dimension: DIM, metricType: 'L2' });
      assert.equal(created.code, 0, JSON.stringify(created));
      const data = Array.from({ length: 5 }, (_, i) => ({ id: i, vector: vec(i) }));
      assert.equal((await root('entities/insert', { dbName: db, collectionName: 'docs', data })).code, 0);
    }
    for (const [user, db] of [['alice', 'tenant_a'], ['bob', 'tenant_b']]) {
      assert.equal((await root('users/create', { userName: user, password: `${user}-password` })).code, 0);
      assert.equal((await root('roles/create', { roleName: `${db}_rw` })).code, 0);
      const grant = await root('roles/grant_privilege_v2', { roleName: `${db}_rw`, privilege: 'CollectionReadWrite', dbName: db, collectionName: '*' });
      assert.equal(grant.code, 0, JSON.stringify(grant));
      assert.equal((await root('roles/grant_privilege_v2', { roleName: `${db}_rw`, privilege: 'DatabaseReadOnly', dbName: db })).code, 0);
      assert.equal((await root('users/grant_role', { userName: user, roleName: `${db}_rw` })).code, 0);
    }
  });
  after(async () => {
    await server?.kill();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers 401 / 1800 without credentials and with a wrong password', async () => {
    const none = await post(server.url, 'collections/list', {});
    assert.equal(none.status, 401);
    assert.deepEqual(none.json, { code: 1800, message: "user hasn't authenticated" });
    const wrong = await post(server.url, 'collections/list', {}, bearer('root:not-the-password'));
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.code, 1800);
    const basic = await post(server.url, 'collections/list', {}, { authorization: `Basic ${Buffer.from(`root:${ROOT_PASSWORD}`).toString('base64')}` });
    assert.deepEqual(basic.json, { code: 0, data: [] });
  });

  it('lets a tenant search its own database and denies the other one', async () => {
    const search = (db: string) =>
      post(server.url, 'entities/search', { dbName: db, collectionName: 'docs', data: [vec(1)], limit: 3, consistencyLevel: 'Strong' }, bearer('alice:alice-password'));
    const own = await search('tenant_a');
    assert.equal(own.json.code, 0, JSON.stringify(own.json));
    assert.equal(Number(own.json.data[0].id), 1);
    const other = await search('tenant_b');
    assert.equal(other.status, 403);
    assert.equal(other.json.code, 1401);
    assert.match(other.json.message, /permission deny to alice in the `tenant_b` database/);
    const query = await post(server.url, 'entities/query', { dbName: 'tenant_b', collectionName: 'docs', filter: 'id > 0' }, bearer('alice:alice-password'));
    assert.equal(query.status, 403);
    const insert = await post(server.url, 'entities/insert', { dbName: 'tenant_b', collectionName: 'docs', data: [{ id: 9, vector: vec(9) }] }, bearer('alice:alice-password'));
    assert.equal(insert.status, 403);
  });

  it('works through the Milvus SDK with token user:password', async () => {
    const rootClient = new HttpClient({ endpoint: server.url, token: `root:${ROOT_PASSWORD}` });
    const users = await rootClient.listUsers();
    assert.equal(users.code, 0);
    assert.deepEqual([...(users.data as string[])].sort(), ['alice', 'bob', 'root']);
    assert.deepEqual((await rootClient.describeUser({ userName: 'alice' })).data, ['tenant_a_rw']);
    assert.equal((await rootClient.createUser({ userName: 'sdk_user', password: 'sdk-password' })).code, 0);
    assert.ok(((await rootClient.listRoles()).data as string[]).includes('tenant_a_rw'));
    const described = await rootClient.describeRole({ roleName: 'tenant_a_rw', dbName: 'tenant_a' } as any);
    assert.ok((described.data as any[]).some((g) => g.privilege === 'CollectionReadWrite' && g.dbName === 'tenant_a'));

    const alice = new HttpClient({ endpoint: server.url, token: 'alice:alice-password', database: 'tenant_a' });
    assert.deepEqual((await alice.listCollections({ dbName: 'tenant_a' })).data, ['docs']);
    const n = await alice.query({ dbName: 'tenant_a', collectionName: 'docs', filter: '', outputFields: ['count(*)'], consistencyLevel: 'Strong' } as any);
    assert.equal(n.data[0]['count(*)'], 5);
    await assert.rejects(alice.listCollections({ dbName: 'tenant_b' }), (err: unknown) => err instanceof HttpError && err.status === 403);
    const stranger = new HttpClient({ endpoint: server.url, token: 'alice:wrong-password' });
    await assert.rejects(stranger.listCollections(), (err: unknown) => err instanceof HttpError && err.status === 401);
  });

  it('issues API keys that work until revoked', async () => {
    const created = await root('users/create_api_key', { userName: 'bob', description: 'e2e' });
    assert.equal(created.code, 0, JSON.stringify(created));
    const { apiKey, keyId } = created.data;
    const bobKey = new HttpClient({ endpoint: server.url, token: apiKey });
    assert.deepEqual((await bobKey.listCollections({ dbName: 'tenant_b' })).data, ['docs']);
    const denied = await post(server.url, 'collections/list', { dbName: 'tenant_a' }, bearer(apiKey));
    assert.equal(denied.status, 403);
    assert.equal((await root('users/revoke_api_key', { keyId })).code, 0);
    const revoked = await post(server.url, 'collections/list', { dbName: 'tenant_b' }, bearer(apiKey));
    assert.equal(revoked.status, 401);
    assert.equal(revoked.json.code, 1800);
  });

  describe('request limits (1100, nothing written)', () => {
    const count = async () => {
      const res = await root('entities/query', { dbName: 'tenant_a', collectionName: 'docs', filter: '', outputFields: ['count(*)'], consistencyLevel: 'Strong' });
      return res.data[0]['count(*)'] as number;
    };

    it('refuses more rows than the limit in one insert or upsert', async () => {
      const before = await count();
      const data = Array.from({ length: 51 }, (_, i) => ({ id: 1000 + i, vector: vec(i) }));
      for (const op of ['insert', 'upsert']) {
        const res = await root(`entities/${op}`, { dbName: 'tenant_a', collectionName: 'docs', data });
        assert.equal(res.code, 1100, JSON.stringify(res));
        assert.match(res.message, /too many rows in one request: 51, the limit is 50/);
      }
      assert.equal(await count(), before);
    });

    it('refuses a vector dimension above 32768 and creates nothing', async () => {
      const res = await root('collections/create', { collectionName: 'huge', dimension: 32769 });
      assert.equal(res.code, 1100);
      assert.match(res.message, /invalid dimension: 32769/);
      assert.deepEqual((await root('collections/has', { collectionName: 'huge' })).data, { has: false });
    });

    it('refuses a filter longer than the limit', async () => {
      const filter = `id in [${Array.from({ length: 600 }, (_, i) => i).join(',')}]`;
      const res = await root('entities/query', { dbName: 'tenant_a', collectionName: 'docs', filter });
      assert.equal(res.code, 1100);
      assert.match(res.message, /the limit is 2000/);
      const del = await root('entities/delete', { dbName: 'tenant_a', collectionName: 'docs', filter });
      assert.equal(del.code, 1100);
      assert.equal(await count(), 5);
    });

    it('refuses a body nested too deeply and over-long management strings', async () => {
      const deep = `{"collectionName":"docs","dbName":"tenant_a","data":[{"id":1,"vector":[0,0,0,0],"x":${'['.repeat(100)}${']'.repeat(100)}}]}`;
      const res = await post(server.url, 'entities/insert', deep, bearer(`root:${ROOT_PASSWORD}`));
      assert.equal(res.json.code, 1100);
      assert.match(res.json.message, /deeper than 64 levels/);
      const long = await root('collections/create', { collectionName: 'described', dimension: DIM, description: 'd'.repeat(70_000) });
      assert.equal(long.code, 1100);
      assert.deepEqual((await root('collections/has', { collectionName: 'described' })).data, { has: false });
      assert.equal(await count(), 5);
    });
  });
});

describe('rate limit over HTTP (auth off)', () => {
  let dir = '';
  let server: StandaloneProcess;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-rate-e2e-'));
    server = await startStandaloneProcess(dir, {
      QUIVER_RATE_LIMIT_ENABLED: 'true',
      QUIVER_RATE_LIMIT_RPS: '0.2',
      QUIVER_RATE_LIMIT_BURST: '3',
    });
  });
  after(async () => {
    await server?.kill();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers 1807 once the burst is spent', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await milvus(server.url, 'collections/list', {})).code);
    assert.deepEqual(codes.slice(0, 3), [0, 0, 0]);
    assert.deepEqual(codes.slice(3), [1807, 1807]);
    const limited = await post(server.url, 'collections/list', {});
    assert.equal(limited.status, 200);
    assert.match(limited.json.message, /request is rejected by limiter/);
  });
});
