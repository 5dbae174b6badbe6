/**
 * quiver standalone over its Milvus REST API, as a client would use it: one fresh server per
 * dataset, rows inserted as JSON batches, a full compaction so the searches hit the final HNSW
 * segment (as every other system searches its finished index), then single-query search requests
 * from keep-alive clients (bench/http-client.ts), filtered with a Milvus expression on `tag`.
 * Insert-to-visible latency (quiver-freshness.ts), cold start and recovery (quiver-restart.ts)
 * follow, each restart over the same data directory.
 */
import { runInserts, runSearchLoad } from '../../http-client.ts';
import { nowMs } from '../../measure.ts';
import { control, startBenchServer, waitIdle, waitRssSettled, waitIndexed, waitSearchable, type BenchServer } from '../../quiver-server.ts';
import type { PeerDataset } from '../data/dataset.ts';
import { backlogRows } from '../freshness.ts';
import type { FilterSpec, PeersParams } from '../params.ts';
import { treeRssMb } from '../process-tree.ts';
import { quiverFreshness } from './quiver-freshness.ts';
import { insertBatch, searchBody } from './quiver-requests.ts';
import { quiverColdStart, quiverRecovery } from './quiver-restart.ts';
import type { BenchSystem, LoadOutcome, SearchLimits, SearchOutcome } from './system.ts';

const COLLECTION = 'peers_bench';

/** quiver's default indexer.hnswMinRows: fewer rows stay in a flat (exactly searched) segment. */
const HNSW_MIN_ROWS = 5000;

async function createCollection(url: string, data: PeerDataset, p: PeersParams): Promise<void> {
  await control(url, 'collections/create', {
    collectionName: COLLECTION,
    schema: {
      autoID: false,
      enableDynamicField: false,
      fields: [
        { fieldName: 'id', dataType: 'Int64', isPrimary: true },
        { fieldName: 'vector', dataType: 'FloatVector', elementTypeParams: { dim: data.ds.spec.dim } },
        { fieldName: 'tag', dataType: 'Int64' },
      ],
    },
    indexParams: [{
      fieldName: 'vector', indexName: 'vector', metricType: data.metric === 'cosine' ? 'COSINE' : 'L2', indexType: 'HNSW',
      params: { M: p.hnsw.M, efConstruction: p.hnsw.efConstruction },
    }],
    params: { shardsNum: 1 },
  });
}

/** Insert bodies of rows [from, to). */
function insertBodies(data: PeerDataset, from: number, to: number): { bodies: string[]; counts: number[] } {
  const dim = data.ds.spec.dim;
  const batch = insertBatch(dim);
  const bodies: string[] = [];
  const counts: number[] = [];
  for (let start = from; start < to; start += batch) {
    const end = Math.min(to, start + batch);
    const rows = [];
    for (let id = start; id < end; id++) rows.push({ id, vector: Array.from(data.ds.vectors.subarray(id * dim, (id + 1) * dim)), tag: data.tags[id] });
    bodies.push(JSON.stringify({ collectionName: COLLECTION, data: rows }));
    counts.push(end - start);
  }
  return { bodies, counts };
}

/**
 * Inserts every row, serialising about 20 requests at a time so the JSON of a large dataset is
 * never all in memory; only the time spent sending counts (serialising is the client's cost).
 */
async function insertAll(url: string, data: PeerDataset): Promise<{ seconds: number; rows_per_s: number; lastAckMs: number }> {
  const rows = data.ds.spec.rows;
  const chunk = insertBatch(data.ds.spec.dim) * 20;
  let seconds = 0;
  let lastAckMs = 0;
  for (let from = 0; from < rows; from += chunk) {
    const { bodies, counts } = insertBodies(data, from, Math.min(rows, from + chunk));
    const run = await runInserts(url, bodies, counts, 2);
    seconds += run.seconds;
    lastAckMs = run.lastAckMs;
  }
  return { seconds, rows_per_s: rows / seconds, lastAckMs };
}

function searchBodies(data: PeerDataset, k: number, ef: number, filter: FilterSpec | null): string[] {
  return Array.from({ length: data.ds.spec.queries }, (_, q) => searchBody(COLLECTION, data, q, k, ef, filter));
}

/** quiver as a BenchSystem; each load starts a fresh server. */
export function quiverSystem(p: PeersParams, version: string, log: (s: string) => void): BenchSystem {
  let server: BenchServer | null = null;
  let data: PeerDataset | null = null;
  /** Rows inserted after the load (ids from the dataset's row count on). */
  let extraRows = 0;
  const adopt = (s: BenchServer) => {
    server = s;
  };
  const loaded = () => {
    if (!server || !data) throw new Error('no dataset loaded');
    return { server, data };
  };
  const unload = async () => {
    await server?.close();
    server = null;
    data = null;
    extraRows = 0;
  };
  return {
    name: 'quiver-http',
    version,
    filters: true,
    async load(d: PeerDataset): Promise<LoadOutcome> {
      server = await startBenchServer();
      data = d;
      const before = await treeRssMb(server.pid);
      await createCollection(server.url, d, p);
      const insert = await insertAll(server.url, d);
      const rows = d.ds.spec.rows;
      const timeoutMs = Math.max(300_000, rows * 10);
      const searchable_s = await waitSearchable(server.url, COLLECTION, rows, insert.lastAckMs, timeoutMs);
      if (searchable_s === null) throw new Error(`quiver did not make every row searchable within ${timeoutMs / 1000} s`);
      if (rows < HNSW_MIN_ROWS) throw new Error(`quiver keeps fewer than ${HNSW_MIN_ROWS} rows in a flat segment; use at least that many rows`);
      const indexing = await waitIndexed(server.url, COLLECTION, rows, server.pid, insert.lastAckMs, timeoutMs);
      if (indexing.indexed_s === null) throw new Error(`quiver did not report every row indexed within ${timeoutMs / 1000} s`);
      const loaded = nowMs();
      await waitIdle(server.pid, 0.1, 1000, 120_000);
      await waitRssSettled(server.pid);
      const after = await treeRssMb(server.pid);
      log(`quiver-http: inserted in ${insert.seconds.toFixed(1)} s (${insert.rows_per_s.toFixed(0)} rows/s), ` +
        `searchable ${searchable_s.toFixed(1)} s and indexed ${indexing.indexed_s.toFixed(1)} s after the last ack; idle ${((nowMs() - loaded) / 1000).toFixed(1)} s later`);
      return {
        load_s: insert.seconds + indexing.indexed_s,
        rss_mb: before !== null && after !== null ? Math.round((after - before) * 10) / 10 : null,
        rss_total_mb: after,
        index: `HNSW ${d.metric === 'cosine' ? 'COSINE' : 'L2'} M=${p.hnsw.M} efConstruction=${p.hnsw.efConstruction}, after full compaction`,
        knob: 'ef',
        knobs: [16, 32, 64, 128, 256, 512],
        extra: {
          insert_s: Math.round(insert.seconds * 100) / 100,
          insert_rows_per_s: Math.round(insert.rows_per_s),
          searchable_after_ack_s: Math.round(searchable_s * 100) / 100,
          indexed_after_ack_s: Math.round(indexing.indexed_s * 100) / 100,
          background_indexed_after_ack_s: indexing.background_s === null ? null : Math.round(indexing.background_s * 100) / 100,
          full_compaction_s: indexing.compact_s === null ? null : Math.round(indexing.compact_s * 100) / 100,
          rss_before_load_mb: before,
        },
      };
    },
    async search(knob: number, clients: number, filter: FilterSpec | null, l: SearchLimits): Promise<SearchOutcome> {
      if (!server || !data) throw new Error('search before load');
      const bodies = searchBodies(data, l.k, knob, filter);
      // The warm-up doubles as a speed estimate, so a slow setting answers fewer queries.
      const warm = await runSearchLoad(server.url, bodies.slice(0, Math.max(1, l.warmup)), clients);
      const affordable = Math.ceil(warm.qps * l.maxSeconds);
      const count = Math.min(bodies.length, Math.max(l.minQueries, affordable));
      const { ids, ...summary } = await runSearchLoad(server.url, bodies.slice(0, count), clients);
      return { ids, summary };
    },
    async freshness(plan) {
      const { server: s, data: d } = loaded();
      const run = await quiverFreshness(s.url, COLLECTION, d, d.ds.spec.rows + extraRows, plan);
      extraRows += run.rowsInserted;
      return run.outcome;
    },
    async coldStart(knob, k) {
      const { server: s, data: d } = loaded();
      return quiverColdStart(s, adopt, COLLECTION, d, d.ds.spec.rows + extraRows, knob, k);
    },
    async recovery() {
      const { server: s, data: d } = loaded();
      const rows = d.ds.spec.rows;
      const backlog = p.backlog.rows ?? backlogRows(rows, p.backlog.min, p.backlog.max);
      const outcome = await quiverRecovery(s, adopt, COLLECTION, d, rows + extraRows, rows + extraRows, backlog);
      extraRows += backlog;
      return outcome;
    },
    unload,
    close: unload,
  };
}
