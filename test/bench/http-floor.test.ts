/**
 * The benchmarks' bare `node:http` reference server: it answers searches from the saved
 * in-process index with the true nearest neighbours and acknowledges inserts, through the same
 * client the benchmarks use against quiver.
 * Run with: bash scripts/test.sh test/bench/http-floor.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateDataset, vectorAt } from '../../bench/datasets.ts';
import { postJson, runInserts, runSearchLoad } from '../../bench/http-client.ts';
import { startHttpFloor, type HttpFloor } from '../../bench/http-floor.ts';
import { buildRawIndex, type RawIndex } from '../../bench/raw-usearch.ts';
import { searchBodies } from '../../bench/suites/standalone-search.ts';

describe('bare HTTP reference server', () => {
  const ds = generateDataset({ rows: 2000, queries: 20, dim: 16, clusters: 10, seed: 7 });
  let raw: RawIndex;
  let floor: HttpFloor;

  before(async () => {
    raw = await buildRawIndex(ds, { M: 16, efConstruction: 64 }, 2);
    floor = await startHttpFloor(raw);
  });
  after(async () => {
    await floor?.close();
    await raw?.close();
  });

  it('finds a stored vector as its own nearest neighbour', async () => {
    const body = JSON.stringify({ collectionName: 'x', data: [Array.from(vectorAt(ds.vectors, 16, 1234))], limit: 3, searchParams: { params: { ef: 64 } } });
    const env = await postJson(floor.url, 'entities/search', body);
    const hits = env.data as { id: number; distance: number }[];
    assert.equal(hits.length, 3);
    assert.equal(hits[0].id, 1234);
    assert.ok(hits[0].distance <= hits[1].distance);
  });

  it('answers closed-loop search load with one result list per query', async () => {
    const run = await runSearchLoad(floor.url, searchBodies(ds, 'x', 10, 64), 4);
    assert.equal(run.ids.length, 20);
    for (const ids of run.ids) assert.equal(ids.length, 10);
    assert.ok(run.qps > 0);
  });

  it('acknowledges every row of an insert and rejects an unknown route', async () => {
    const bodies = [JSON.stringify({ data: [{ id: 1 }, { id: 2 }] }), JSON.stringify({ data: [{ id: 3 }] })];
    const run = await runInserts(floor.url, bodies, [2, 1], 2);
    assert.equal(run.rows, 3);
    await assert.rejects(postJson(floor.url, 'collections/list', '{}'), /code 1100/);
  });

  it('without an index, refuses searches but still acknowledges inserts', async () => {
    const bare = await startHttpFloor();
    try {
      await assert.rejects(postJson(bare.url, 'entities/search', JSON.stringify({ data: [[0]] })), /holds no index/);
      const env = await postJson(bare.url, 'entities/insert', JSON.stringify({ data: [{}, {}, {}] }));
      assert.deepEqual(env.data, { insertCount: 3 });
    } finally {
      await bare.close();
    }
  });
});
