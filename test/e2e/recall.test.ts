/**
 * Search quality end to end: 20,000 random 128-d vectors in a two-shard HNSW collection, compacted
 * until every row sits in an HNSW-indexed segment, then recall@10 of 100 queries against an exact
 * brute-force answer computed here. Uniform random data is a hard case for graph indexes (no
 * cluster structure), so the beam width needed for the target is larger than on embeddings.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HttpClient } from '@zilliz/milvus2-sdk-node';
import { startStandaloneProcess, type StandaloneProcess } from '../helpers/standalone-process.ts';

const DIM = 128;
const ROWS = 20_000;
const BATCH = 2_000;
const QUERIES = 100;
const K = 10;
/** Beam width the recall target is checked at (two shards of 10,000 rows each). */
const EF = 256;
/** A narrower beam, measured and logged for comparison. */
const LOW_EF = 64;
const MIN_RECALL = 0.95;

/** mulberry32: a small seeded PRNG, so every run sees the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` vectors of DIM float32-exact components in [-1, 1), row-major. */
function randomVectors(n: number, seed: number): Float32Array {
  const next = prng(seed);
  const out = new Float32Array(n * DIM);
  for (let i = 0; i < out.length; i++) out[i] = next() * 2 - 1;
  return out;
}

/** Ids of the K nearest rows by squared L2 (exact). */
function bruteForce(data: Float32Array, q: Float32Array): number[] {
  const best: Array<{ id: number; d: number }> = [];
  for (let id = 0; id < ROWS; id++) {
    let d = 0;
    for (let j = 0, o = id * DIM; j < DIM; j++) {
      const x = data[o + j] - q[j];
      d += x * x;
    }
    if (best.length < K || d < best[best.length - 1].d) {
      best.push({ id, d });
      best.sort((a, b) => a.d - b.d);
      if (best.length > K) best.pop();
    }
  }
  return best.map((b) => b.id);
}


describe('HNSW recall', () => {
  let dir = '';
  let server: StandaloneProcess;
  let client: HttpClient;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-recall-'));
    server = await startStandaloneProcess(dir);
    client = new HttpClient({ endpoint: server.url, timeout: 120_000 });
  });
  after(async () => {
    await server?.kill();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`reaches recall@${K} >= ${MIN_RECALL} over HNSW segments`, { timeout: 150_000 }, async () => {
    const created = await client.createCollection({
      collectionName: 'recall',
      schema: {
        autoID: false,
        enableDynamicField: false,
        fields: [
          { fieldName: 'id', dataType: 'Int64', isPrimary: true },
          { fieldName: 'vector', dataType: 'FloatVector', elementTypeParams: { dim: DIM } },
        ],
      } as any,
      indexParams: [{ fieldName: 'vector', indexName: 'vector', metricType: 'L2', params: { index_type: 'HNSW', M: 16, efConstruction: 200 } as any }],
      params: { shardsNum: 2 },
    });
    assert.equal(created.code, 0, JSON.stringify(created));

    const data = randomVectors(ROWS, 42);
    for (let start = 0; start < ROWS; start += BATCH) {
      const rows = [];
      for (let id = start; id < start + BATCH; id++) rows.push({ id, vector: Array.from(data.subarray(id * DIM, (id + 1) * DIM)) });
      const res = await client.insert({ collectionName: 'recall', data: rows });
      assert.equal(res.code, 0, JSON.stringify(res));
    }

    const flushed = await client.flushCollection({ collectionName: 'recall' });
    assert.equal(flushed.code, 0, JSON.stringify(flushed));
    const compaction = await client.compactCollection({ collectionName: 'recall' });
    assert.equal(compaction.code, 0, JSON.stringify(compaction));

    // Wait until every stored row is in an HNSW-indexed segment.
    const started = Date.now();
    let index: any = null;
    for (;;) {
      const res = await client.describeIndex({ collectionName: 'recall', indexName: 'vector' });
      assert.equal(res.code, 0, JSON.stringify(res));
      index = res.data[0];
      if (index.totalRows === ROWS && index.pendingRows === 0 && index.indexState === 'Finished') break;
      assert.ok(Date.now() - started < 120_000, `index not finished in 120 s: ${JSON.stringify(index)}\n${server.logs().slice(-3000)}`);
      await sleep(250);
    }
    console.log(`index finished in ${Date.now() - started} ms after the compact request: ${JSON.stringify(index)}`);
    assert.equal(index.indexType, 'HNSW');
    assert.equal(index.indexedRows, ROWS, 'every row is in an HNSW-indexed segment');

    const stats = await client.getCollectionStatistics({ collectionName: 'recall' });
    assert.equal(stats.data.rowCount, ROWS);

    const queries = randomVectors(QUERIES, 7);
    const truth = Array.from({ length: QUERIES }, (_, q) => new Set(bruteForce(data, queries.subarray(q * DIM, (q + 1) * DIM))));
    const measure = async (ef: number): Promise<number> => {
      let found = 0;
      const searchStarted = Date.now();
      for (let q = 0; q < QUERIES; q++) {
        const res = await client.search({
          collectionName: 'recall', data: [Array.from(queries.subarray(q * DIM, (q + 1) * DIM))], limit: K,
          consistencyLevel: 'Strong', searchParams: { metricType: 'L2', params: { ef } }, outputFields: [],
        } as any);
        assert.equal(res.code, 0, JSON.stringify(res));
        const hits = res.data as any[];
        assert.equal(hits.length, K);
        for (const h of hits) if (truth[q].has(Number(h.id))) found++;
      }
      const recall = found / (QUERIES * K);
      console.log(`recall@${K} = ${recall.toFixed(4)} at ef ${ef} (${QUERIES} queries in ${Date.now() - searchStarted} ms)`);
      return recall;
    };
    const low = await measure(LOW_EF);
    const recall = await measure(EF);
    // Uniform random 128-d data has no structure to exploit, so the graph needs a wide beam; a
    // higher ef finding more true neighbours also shows ef reaches the graph search.
    assert.ok(recall > low, `ef ${EF} (${recall}) is not better than ef ${LOW_EF} (${low})`);
    assert.ok(recall >= MIN_RECALL, `recall@${K} ${recall} < ${MIN_RECALL} at ef ${EF}`);

    // Filtered and range searches over the graph: every hit satisfies the filter / lies in range,
    // and the bulk of the exact answer is found.
    const q0 = queries.subarray(0, DIM);
    const exact = Array.from({ length: ROWS }, (_, id) => {
      let d = 0;
      for (let j = 0; j < DIM; j++) d += (data[id * DIM + j] - q0[j]) ** 2;
      return { id, d };
    }).sort((a, b) => a.d - b.d);
    const filtered = await client.search({
      collectionName: 'recall', data: [Array.from(q0)], limit: K, filter: 'id % 10 == 3', consistencyLevel: 'Strong',
      searchParams: { params: { ef: EF } }, outputFields: [],
    } as any);
    assert.equal(filtered.code, 0, JSON.stringify(filtered));
    const filteredIds = (filtered.data as any[]).map((h) => Number(h.id));
    assert.equal(filteredIds.length, K);
    assert.ok(filteredIds.every((id) => id % 10 === 3), `filter violated: ${filteredIds}`);
    const wantFiltered = new Set(exact.filter((e) => e.id % 10 === 3).slice(0, K).map((e) => e.id));
    assert.ok(filteredIds.filter((id) => wantFiltered.has(id)).length >= 8, `filtered recall: ${filteredIds} vs ${[...wantFiltered]}`);

    const rangeFilter = exact[4].d;
    const radius = exact[54].d;
    const ranged = await client.search({
      collectionName: 'recall', data: [Array.from(q0)], limit: 100, consistencyLevel: 'Strong',
      searchParams: { params: { ef: EF, radius, range_filter: rangeFilter } }, outputFields: [],
    } as any);
    assert.equal(ranged.code, 0, JSON.stringify(ranged));
    const rangedHits = ranged.data as any[];
    for (const h of rangedHits) assert.ok(h.distance >= rangeFilter && h.distance < radius, `distance ${h.distance} outside [${rangeFilter}, ${radius})`);
    console.log(`range search found ${rangedHits.length} of the 50 rows in range`);
    assert.ok(rangedHits.length >= 40 && rangedHits.length <= 50, `range search found ${rangedHits.length} of 50 rows in range`);
  });
});
