/**
 * The edge proxy for real: a Kafka HTTP bridge (infra/local/bridge.sh: the Strimzi Kafka Bridge,
 * or `quiver bridge`, chosen by QUIVER_BRIDGE_IMPL; quiver's where Strimzi's is not installed), a
 * 1-proxy 1-indexer Node cluster on the shared Kafka/S3/Redis, and the Worker under `wrangler dev --local`
 * (workerd, no Cloudflare account, no network). Writes go through the Worker and the bridge,
 * reads and DDL are forwarded to the Node proxy; bad input gets the Node proxy's exact error.
 * (The edge's adapters alone: edge-adapters.test.ts.)
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BRIDGE_URL, startBridge } from '../helpers/bridge.ts';
import { payloadCollectionBody, startCluster, type Cluster } from '../helpers/cluster.ts';
import { freePort } from '../helpers/nginx.ts';
import { milvus, waitUntil } from '../helpers/quiver-process.ts';
import { isolatedClusterEnv } from '../helpers/services-env.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const DIM = 8;
const INT64 = { 'Accept-Type-Allow-Int64': 'true' };

function vectorOf(id: number): number[] {
  return Array.from({ length: DIM }, (_, j) => Math.sin(id * 0.61 + j * 1.7));
}

function row(id: number, payload = `p-${id}`) {
  return { id, vector: vectorOf(id), payload };
}

interface Worker {
  url: string;
  stop(): Promise<void>;
}

/** `wrangler dev --local` on a free port with the given vars; resolves once /healthz answers. */
async function startWorker(vars: Record<string, string>): Promise<Worker> {
  const port = await freePort();
  const state = await mkdtemp(join(tmpdir(), 'quiver-edge-'));
  const args = ['dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', join(state, 'persist'),
    '--inspector-port', String(await freePort()), '--log-level', 'warn'];
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
  const child: ChildProcess = spawn(join(ROOT, 'node_modules', '.bin', 'wrangler'), args, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_API_TOKEN: 'local-only',
      CLOUDFLARE_ACCOUNT_ID: 'local-only',
      XDG_CONFIG_HOME: join(state, 'config'),
      WRANGLER_LOG_PATH: join(state, 'logs'),
      NO_COLOR: '1',
    },
  });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-20_000)));
  child.stderr!.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      process.kill(-child.pid!, 'SIGTERM');
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(state, { recursive: true, force: true });
  };
  try {
    await waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`wrangler exited with ${child.exitCode}:\n${output}`);
      const res = await fetch(`${url}/healthz`).catch(() => null);
      return res !== null && res.status === 200;
    }, 'wrangler dev to answer', 120_000);
  } catch (err) {
    await stop();
    throw new Error(`${String(err)}\n${output}`);
  }
  return { url, stop };
}


/** The Worker's vars for one cluster: its Node read tier, the bridge, and the cluster's bucket. */
function workerBackends(env: Record<string, string>, readTier: string): Record<string, string> {
  return {
    QUIVER_READ_TIER_URL: readTier,
    QUIVER_BRIDGE_URL: BRIDGE_URL,
    QUIVER_S3_ENDPOINT: env.QUIVER_S3_ENDPOINT,
    QUIVER_S3_BUCKET: env.QUIVER_S3_BUCKET,
    QUIVER_S3_REGION: env.QUIVER_S3_REGION,
    QUIVER_S3_ACCESS_KEY_ID: env.QUIVER_S3_ACCESS_KEY_ID,
    QUIVER_S3_SECRET_ACCESS_KEY: env.QUIVER_S3_SECRET_ACCESS_KEY,
    QUIVER_S3_FORCE_PATH_STYLE: 'true',
    QUIVER_S3_PREFIX: env.QUIVER_S3_PREFIX,
  };
}

describe('edge proxy on wrangler dev', { timeout: 600_000 }, () => {
  let cluster: Cluster;
  let worker: Worker;
  let node: string;
  const name = `edge_rows_${Date.now().toString(36)}`;
  const autoName = `edge_auto_${Date.now().toString(36)}`;

  before(async () => {
    startBridge();
    const env = isolatedClusterEnv('edge');
    cluster = await startCluster(env, 1, 1);
    node = cluster.proxies[0].url;
    worker = await startWorker({
      ...workerBackends(env, node),
      // Small records, so a modest insert takes the claim-check path (object store + pointer).
      QUIVER_LOG_MAX_RECORD_BYTES: '8192',
    });
  });

  after(async () => {
    await worker?.stop();
    await cluster?.close();
  });

  it('creates through the Worker (forwarded), inserts through the bridge, searches through the Worker', async () => {
    const created = await milvus(worker.url, 'collections/create', payloadCollectionBody(name, DIM));
    assert.equal(created.code, 0, JSON.stringify(created));

    const res = await fetch(`${worker.url}/v2/vectordb/entities/insert`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...INT64 },
      body: JSON.stringify({ collectionName: name, data: Array.from({ length: 40 }, (_, i) => row(i + 1)) }),
    });
    const inserted = (await res.json()) as any;
    assert.equal(inserted.code, 0, JSON.stringify(inserted));
    assert.equal(inserted.data.insertCount, 40);
    assert.deepEqual(inserted.data.insertIds, Array.from({ length: 40 }, (_, i) => i + 1));
    assert.match(res.headers.get('quiver-session-token') ?? '', /\d/, 'the edge answers a session token');

    const searched = await milvus(worker.url, 'entities/search', {
      collectionName: name, data: [vectorOf(7)], limit: 3, outputFields: ['payload'], consistencyLevel: 'Strong',
    }, INT64);
    assert.equal(searched.code, 0, JSON.stringify(searched));
    assert.equal(searched.data[0].id, 7);
    assert.equal(searched.data[0].payload, 'p-7');

    const counted = await milvus(worker.url, 'entities/query', {
      collectionName: name, filter: '', outputFields: ['count(*)'], consistencyLevel: 'Strong',
    });
    assert.equal(counted.code, 0, JSON.stringify(counted));
    assert.equal(counted.data[0]['count(*)'], 40);
  });

  it('upserts through the Worker and the newest value wins', async () => {
    const up = await milvus(worker.url, 'entities/upsert', { collectionName: name, data: [row(3, 'changed')] }, INT64);
    assert.equal(up.code, 0, JSON.stringify(up));
    assert.deepEqual(up.data.upsertIds, [3]);
    const got = await milvus(worker.url, 'entities/get', {
      collectionName: name, id: [3], outputFields: ['payload'], consistencyLevel: 'Strong',
    }, INT64);
    assert.equal(got.code, 0, JSON.stringify(got));
    assert.deepEqual(got.data.map((r: any) => r.payload), ['changed']);
  });

  it('stores a write too large for one log record in the object store (claim check)', async () => {
    const rows = Array.from({ length: 600 }, (_, i) => row(1001 + i, `big-${1001 + i}-${'x'.repeat(40)}`));
    const inserted = await milvus(worker.url, 'entities/insert', { collectionName: name, data: rows });
    assert.equal(inserted.code, 0, JSON.stringify(inserted));
    const counted = await milvus(worker.url, 'entities/query', {
      collectionName: name, filter: 'id > 1000', outputFields: ['count(*)'], consistencyLevel: 'Strong',
    });
    assert.equal(counted.code, 0, JSON.stringify(counted));
    assert.equal(counted.data[0]['count(*)'], 600);
    const got = await milvus(worker.url, 'entities/get', { collectionName: name, id: [1500], outputFields: ['payload'], consistencyLevel: 'Strong' }, INT64);
    assert.deepEqual(got.data.map((r: any) => r.payload), [rows[499].payload]);
  });

  it('forwards inserts into autoID collections, whose ids only the Node tier allocates', async () => {
    const created = await milvus(worker.url, 'collections/create', { collectionName: autoName, dimension: DIM, autoID: true });
    assert.equal(created.code, 0, JSON.stringify(created));
    const inserted = await milvus(worker.url, 'entities/insert', { collectionName: autoName, data: [{ vector: vectorOf(1) }, { vector: vectorOf(2) }] });
    assert.equal(inserted.code, 0, JSON.stringify(inserted));
    assert.equal(inserted.data.insertIds.length, 2);
    assert.notEqual(inserted.data.insertIds[0], inserted.data.insertIds[1]);
  });

  it('answers bad input with the same Milvus error as the Node proxy', async () => {
    const cases: Array<[string, unknown]> = [
      ['entities/insert', { collectionName: name, data: [{ id: 1, vector: [1, 2], payload: 'x' }] }],
      ['entities/insert', { collectionName: name, data: [{ id: 'x', vector: vectorOf(1), payload: 'x' }] }],
      ['entities/insert', { collectionName: `${name}_missing`, data: [row(1)] }],
      ['entities/upsert', { collectionName: name, data: [] }],
      ['entities/insert', { data: [row(1)] }],
      ['entities/search', { collectionName: name, data: [[1, 2]], limit: 3 }],
      ['collections/create', { collectionName: '1-bad name', dimension: DIM }],
    ];
    for (const [path, body] of cases) {
      const viaWorker = await milvus(worker.url, path, body);
      const viaNode = await milvus(node, path, body);
      assert.notEqual(viaNode.code, 0, `${path} ${JSON.stringify(body)} must fail`);
      assert.deepEqual(viaWorker, viaNode, `${path} ${JSON.stringify(body)}`);
    }
    const raw = await fetch(`${worker.url}/v2/vectordb/entities/insert`, { method: 'POST', body: '{not json' });
    const rawNode = await fetch(`${node}/v2/vectordb/entities/insert`, { method: 'POST', body: '{not json' });
    assert.equal(raw.status, rawNode.status);
    assert.deepEqual(await raw.json(), await rawNode.json());
    const unknown = await fetch(`${worker.url}/v2/vectordb/nothing/here`, { method: 'POST', body: '{}' });
    assert.equal(unknown.status, 404);
  });
});

describe('edge proxy with auth on', { timeout: 600_000 }, () => {
  let cluster: Cluster;
  let worker: Worker;
  let node: string;
  const name = `edge_auth_${Date.now().toString(36)}`;
  const root = { Authorization: 'Bearer root:edge-root-pw' };

  /** Status and envelope of one POST, for comparing the two tiers' answers. */
  async function call(url: string, path: string, body: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${url}/v2/vectordb/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  before(async () => {
    startBridge();
    const env: Record<string, string> = {
      ...isolatedClusterEnv('edgeauth'),
      QUIVER_AUTH_ENABLED: 'true',
      QUIVER_AUTH_ROOT_PASSWORD: 'edge-root-pw',
      QUIVER_AUTH_PASSWORD_HASH_ITERATIONS: '10000',
    };
    cluster = await startCluster(env, 1, 1);
    node = cluster.proxies[0].url;
    worker = await startWorker({
      ...workerBackends(env, node),
      QUIVER_AUTH_ENABLED: 'true',
    });
  });

  after(async () => {
    await worker?.stop();
    await cluster?.close();
  });

  it('authenticates and authorizes edge writes from the catalog, as the Node proxy does', async () => {
    const created = await call(worker.url, 'collections/create', payloadCollectionBody(name, DIM), root);
    assert.equal(created.body.code, 0, JSON.stringify(created));
    const write = { collectionName: name, data: [row(1)] };

    const anonymousAndWrong: Array<Record<string, string>> = [{}, { Authorization: 'Bearer root:wrong-password' }];
    for (const headers of anonymousAndWrong) {
      const viaWorker = await call(worker.url, 'entities/insert', write, headers);
      const viaNode = await call(node, 'entities/insert', write, headers);
      assert.equal(viaNode.status, 401);
      assert.deepEqual(viaWorker, viaNode);
    }

    const user = await call(worker.url, 'users/create', { userName: 'reader1', password: 'reader-pw-1' }, root);
    assert.equal(user.body.code, 0, JSON.stringify(user));
    const reader = { Authorization: 'Bearer reader1:reader-pw-1' };
    const denied = await call(node, 'entities/insert', write, reader);
    assert.equal(denied.status, 403, JSON.stringify(denied));
    // The edge learns of the new user from the next catalog snapshot it reads.
    await waitUntil(async () => {
      const viaWorker = await call(worker.url, 'entities/insert', write, reader);
      return viaWorker.status === 403 && JSON.stringify(viaWorker) === JSON.stringify(denied);
    }, 'the edge to deny the new user like the Node proxy', 30_000);

    const ok = await call(worker.url, 'entities/insert', write, root);
    assert.equal(ok.body.code, 0, JSON.stringify(ok));
    const got = await call(worker.url, 'entities/get', { collectionName: name, id: [1], outputFields: ['payload'], consistencyLevel: 'Strong' }, root);
    assert.deepEqual(got.body.data.map((r: any) => r.payload), ['p-1']);
  });
});
