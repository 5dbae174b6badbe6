/**
 * Standalone serves the same operational endpoints as a cluster, on its API port: /healthz,
 * /readyz (backends, loaded segments and its indexer's shards) and /metrics with both the
 * proxy's and the indexer's series in one registry.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/shared/config/load.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { startStandalone, type Standalone } from '../../../src/standalone.ts';
import { metricValue, milvus, scrape, waitUntil } from '../../helpers/quiver-process.ts';

describe('standalone operational endpoints', () => {
  let dir: string;
  let server: Standalone;
  let url: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-obs-'));
    const config = loadConfig({ env: { QUIVER_DATA_DIR: dir, QUIVER_PORT: '0', QUIVER_FLUSH_INTERVAL_MS: '50' }, file: '/dev/null' });
    server = await startStandalone(config, silentLogger);
    url = `http://127.0.0.1:${server.proxy.port}`;
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers health, readiness and metrics', async () => {
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    assert.ok(health.headers.get('x-request-id'));
    assert.equal((await milvus(url, 'collections/create', { collectionName: 'obs', dimension: 2, params: { shardsNum: 1 } })).code, 0);
    assert.equal((await milvus(url, 'entities/insert', { collectionName: 'obs', data: [{ id: 1, vector: [1, 2] }] })).code, 0);
    const found = await milvus(url, 'entities/query', { collectionName: 'obs', filter: 'id > 0', outputFields: ['id'], consistencyLevel: 'Strong' });
    assert.equal(found.data.length, 1);

    const ready = await fetch(`${url}/readyz`);
    const body = (await ready.json()) as { status: string; checks: string[] };
    assert.equal(ready.status, 200, JSON.stringify(body));
    assert.deepEqual(body.checks, ['log', 'objectStore', 'coordinator', 'segments', 'shards']);

    const text = await waitUntil(async () => {
      const t = await scrape(url);
      return metricValue(t, 'quiver_indexing_lag_messages') === 0 ? t : null;
    }, 'lag 0');
    assert.equal(metricValue(text, 'quiver_http_requests_total', { route: '/v2/vectordb/entities/insert', code: '0' }), 1);
    assert.ok(metricValue(text, 'quiver_shard_segments')! >= 1);
    assert.ok(metricValue(text, 'quiver_insert_to_visible_seconds_count')! >= 1);
    assert.ok(metricValue(text, 'quiver_flushes_total')! >= 1);
  });
});
