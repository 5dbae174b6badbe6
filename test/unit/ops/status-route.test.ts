/**
 * The status endpoint over real embedded adapters (route-test harness) with auth on: the
 * document's shape (validated by the exported schema), segments, checkpoint, log end offset and
 * lag per shard, the shard owner from an indexer's heartbeat, scoping and its errors (800 /
 * 100), the GET and POST forms, the privilege it needs (cluster read), and a log that cannot be
 * asked (offsets and lag null, the rest still there).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Hono } from 'hono';
import { newApp } from '../../../src/proxy/app.ts';
import { mountStatusGet } from '../../../src/proxy/routes/status/get-status.ts';
import { collectStatus } from '../../../src/shared/ops/status-model.ts';
import { statusSchema } from '../../../src/shared/ops/status-schema.ts';
import type { Log } from '../../../src/shared/ports/log.ts';
import { ROOT_PASSWORD, openAuthHarness, type AuthHarness } from '../auth/auth-harness.ts';

const ROOT = `Bearer root:${ROOT_PASSWORD}`;

describe('status endpoint', () => {
  let h: AuthHarness;
  let app: Hono;
  let topic = '';
  let collectionId = 0;

  const get = async (query = '', authorization: string | null = ROOT) => {
    const res = await app.request(`/v2/quiver/status${query}`, { headers: authorization ? { authorization } : {} });
    return { status: res.status, json: (await res.json()) as any, cacheControl: res.headers.get('cache-control') };
  };
  const post = async (body: unknown) => {
    const res = await app.request('/v2/quiver/status', {
      method: 'POST',
      headers: { authorization: ROOT, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as any;
  };
  const asRoot = async (path: string, body: unknown) => {
    const r = await h.call(path, body, ROOT);
    assert.equal(r.json.code, 0, `${path}: ${JSON.stringify(r.json)}`);
    return r.json;
  };

  before(async () => {
    h = await openAuthHarness();
    const services = { ...h.base.services, auth: h.auth };
    app = newApp(services);
    mountStatusGet(app, services);
    await asRoot('collections/create', { collectionName: 'status_a', dimension: 4 });
    await asRoot('collections/create', { collectionName: 'status_b', dimension: 4 });
    const info = await h.base.services.catalog.requireCollection('default', 'status_a');
    topic = info.topic;
    collectionId = info.id;
    const rows = [1, 2, 3].map((id) => ({ id, vector: [id, 0, 0, 1] }));
    await asRoot('entities/insert', { collectionName: 'status_a', data: rows });
    await asRoot('entities/insert', { collectionName: 'status_a', data: [{ id: 4, vector: [0, 1, 0, 0] }] });
    // One flat segment reflecting offset 0: the second insert (offset 1) is still only in the log.
    await h.base.publishSegments(collectionId, [{ level: 0, rows: 3 }]);
    await h.base.services.coordinator.heartbeat(
      {
        id: 'indexer-1',
        role: 'indexer',
        info: { host: 'ix-host', pid: '77', version: '0.1.0', address: '', startedAt: '5', heartbeatAt: '6', shards: JSON.stringify([{ topic, shard: 0, state: 'active', reason: '' }]) },
      },
      60_000,
    );
  });
  after(async () => {
    await h?.close();
  });

  it('describes collections, shards, segments, lag, owners and processes', async () => {
    const { status, json, cacheControl } = await get();
    assert.equal(status, 200);
    assert.equal(json.code, 0);
    assert.equal(cacheControl, 'no-store');
    const doc = statusSchema.parse(json.data);
    const db = doc.databases.find((d) => d.name === 'default');
    assert.deepEqual(db?.collections.map((c) => c.name), ['status_a', 'status_b']);
    const a = db!.collections[0];
    assert.equal(a.id, collectionId);
    assert.deepEqual(a.fields.map((f) => [f.name, f.dataType, f.isPrimary, f.dim]), [['id', 'Int64', true, undefined], ['vector', 'FloatVector', false, 4]]);
    assert.equal(a.indexes[0]?.metricType, 'COSINE');
    assert.equal(a.loadState, 'LoadStateLoaded');
    assert.equal(a.storedRows, 3);
    assert.equal(a.liveRows, 3, 'the fake read tier answers 3 rows per partition');
    const shard = a.shards[0];
    assert.equal(shard.checkpoint, 0);
    assert.equal(shard.logEndOffset, 2);
    assert.equal(shard.lag, 1);
    assert.equal(a.lag, a.shards.reduce((n, s) => n + (s.lag ?? 0), 0));
    assert.deepEqual(shard.segments.map((s) => [s.kind, s.level, s.rows]), [['flat', 0, 3]]);
    assert.deepEqual(shard.owner, { processId: 'indexer-1', state: 'active', reason: '' });
    const b = db!.collections[1];
    assert.equal(b.storedRows, 0);
    assert.ok(b.shards.every((s) => s.checkpoint === -1 && s.lag === 0 && s.owner === null && s.segments.length === 0));
    const ix = doc.processes.find((p) => p.id === 'indexer-1');
    assert.deepEqual(ix && [ix.role, ix.host, ix.pid, ix.startedAt, ix.lastHeartbeat], ['indexer', 'ix-host', 77, 5, 6]);
  });

  it('narrows to one database or collection, and names what does not exist', async () => {
    const one = await get('?dbName=default&collectionName=status_b');
    assert.deepEqual(one.json.data.databases.map((d: any) => [d.name, d.collections.map((c: any) => c.name)]), [['default', ['status_b']]]);
    assert.equal((await get('?dbName=nowhere')).json.code, 800);
    const missing = await get('?collectionName=nothing');
    assert.equal(missing.json.code, 100);
    assert.match(missing.json.message, /nothing/);
    const posted = await post({ collectionName: 'status_a' });
    assert.equal(posted.code, 0, JSON.stringify(posted));
    assert.deepEqual(statusSchema.parse(posted.data).databases[0].collections.map((c) => c.name), ['status_a']);
    assert.equal((await post({ collectionName: 5 })).code, 1801);
  });

  it('needs credentials and cluster read access', async () => {
    const anonymous = await get('', null);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json.code, 1800);
    for (const [user, privilege, dbName] of [['auditor', 'ClusterReadOnly', '*'], ['tenant', 'DatabaseReadOnly', 'default']]) {
      await asRoot('users/create', { userName: user, password: `${user}-password` });
      await asRoot('roles/create', { roleName: `${user}_role` });
      await asRoot('roles/grant_privilege_v2', { roleName: `${user}_role`, privilege, dbName, collectionName: '*' });
      await asRoot('users/grant_role', { userName: user, roleName: `${user}_role` });
    }
    const auditor = await get('', 'Bearer auditor:auditor-password');
    assert.equal(auditor.json.code, 0, JSON.stringify(auditor.json));
    const tenant = await get('', 'Bearer tenant:tenant-password');
    assert.equal(tenant.status, 403);
    assert.equal(tenant.json.code, 1401);
    assert.match(tenant.json.message, /ClusterReadOnly/);
  });

  it('still answers when the log cannot be asked, with offsets and lag unknown', async () => {
    const s = h.base.services;
    const down: Log = Object.create(s.log, { latestOffset: { value: () => Promise.reject(new Error('log is down')) } });
    const doc = await collectStatus({ catalog: s.catalog, manifests: s.manifests, coordinator: s.coordinator, log: down, now: () => 1 }, { collectionName: 'status_a' });
    const a = doc.databases[0].collections[0];
    assert.equal(a.lag, null);
    assert.deepEqual([a.shards[0].logEndOffset, a.shards[0].lag, a.shards[0].logError], [null, null, 'log is down']);
    assert.equal(a.shards[0].checkpoint, 0, 'the rest is still reported');
    assert.equal(a.loadState, 'LoadStateLoaded', 'from the catalog when no read tier is asked');
    assert.equal(a.liveRows, null);
  });
});
