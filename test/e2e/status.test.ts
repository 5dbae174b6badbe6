/**
 * GET /v2/quiver/status against a real standalone server: after a write, the collection's
 * shards show a published segment, a checkpoint that reached the log end (lag 0) and the
 * standalone process as their owner; the process list shows the server with its pid and
 * version; the document passes the exported schema; the OpenAPI document lists the endpoint.
 */
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { statusSchema, type QuiverStatus } from '../../src/shared/ops/status-schema.ts';
import { milvus, startStandaloneProcess, type StandaloneProcess } from '../helpers/standalone-process.ts';

const COLLECTION = `status_e2e_${process.pid}`;

describe('status endpoint on a standalone server', () => {
  let dir = '';
  let server: StandaloneProcess;

  const status = async (query = ''): Promise<QuiverStatus> => {
    const res = await fetch(`${server.url}/v2/quiver/status${query}`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { code: number; data: unknown };
    assert.equal(body.code, 0, JSON.stringify(body));
    return statusSchema.parse(body.data);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-status-e2e-'));
    server = await startStandaloneProcess(dir);
  });
  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows published segments, zero lag and the owning process after a write', async () => {
    assert.equal((await milvus(server.url, 'collections/create', { collectionName: COLLECTION, dimension: 3 })).code, 0);
    const data = Array.from({ length: 12 }, (_, i) => ({ id: i + 1, vector: [1, i, 2] }));
    assert.equal((await milvus(server.url, 'entities/insert', { collectionName: COLLECTION, data })).code, 0);
    const strong = await milvus(server.url, 'entities/query', { collectionName: COLLECTION, filter: 'id > 0', outputFields: ['count(*)'], consistencyLevel: 'Strong' });
    assert.equal(strong.data?.[0]?.['count(*)'], 12, JSON.stringify(strong));

    // The owner is reported with the indexer's heartbeats (a change within about a second).
    let doc: QuiverStatus;
    const deadline = Date.now() + 20_000;
    for (;;) {
      doc = await status(`?collectionName=${COLLECTION}`);
      const shards = doc.databases[0].collections[0].shards;
      if (shards.every((s) => s.owner !== null)) break;
      if (Date.now() > deadline) assert.fail(`no owner reported: ${JSON.stringify(shards)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const standalone = doc.processes.find((p) => p.role === 'standalone');
    assert.ok(standalone, JSON.stringify(doc.processes));
    assert.equal(standalone.pid, server.child.pid);
    const pkg = JSON.parse(await readFile(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    assert.equal(standalone.version, pkg.version);
    assert.equal(standalone.address, server.url);
    assert.ok(standalone.lastHeartbeat !== null && standalone.startedAt !== null && standalone.lastHeartbeat >= standalone.startedAt);

    const c = doc.databases[0].collections[0];
    assert.equal(c.name, COLLECTION);
    assert.equal(c.loadState, 'LoadStateLoaded');
    assert.equal(c.storedRows, 12);
    assert.equal(c.liveRows, 12);
    assert.equal(c.lag, 0);
    for (const shard of c.shards) {
      assert.equal(shard.owner?.processId, standalone.id);
      assert.equal(shard.owner?.state, 'active');
      assert.equal(shard.logEndOffset, shard.checkpoint + 1, 'everything in the log is published');
    }
    assert.ok(c.shards.some((s) => s.segments.length > 0));
    assert.equal(doc.processes.length, 1, 'standalone registers once, not once per part');
  });

  it('is listed in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.url}/v2/openapi.json`)).json()) as { paths: Record<string, unknown> };
    assert.ok(doc.paths['/v2/quiver/status'], Object.keys(doc.paths).join(' '));
  });
});
