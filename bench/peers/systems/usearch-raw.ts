/**
 * The upper limit: the same HNSW built in this process with usearch and searched through the JS
 * binding, no server in between (bench/raw-usearch.ts, shared with the standalone suite). The JS
 * binding takes no filter predicate, so filtered searches are not measured for it. Cosine datasets
 * hold unit vectors, so the binding's L2 index ranks them exactly as cosine would. Cold start is
 * memory-mapping the saved index file in this process and answering one query.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { REPO_ROOT, nowMs } from '../../measure.ts';
import { buildRawIndex, searchSequential, startRawClients, type RawClientPool, type RawIndex } from '../../raw-usearch.ts';
import type { PeerDataset } from '../data/dataset.ts';
import type { FilterSpec, PeersParams } from '../params.ts';
import type { BenchSystem, LoadOutcome, SearchLimits, SearchOutcome } from './system.ts';

function usearchVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'usearch', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

/** The in-process usearch baseline as a BenchSystem. */
export function usearchRawSystem(p: PeersParams): BenchSystem {
  let raw: RawIndex | null = null;
  let data: PeerDataset | null = null;
  const pools = new Map<number, RawClientPool>();
  const unload = async () => {
    await Promise.all([...pools.values()].map((pool) => pool.close()));
    pools.clear();
    await raw?.close();
    raw = null;
    data = null;
  };
  return {
    name: 'usearch-raw',
    version: usearchVersion(),
    filters: false,
    async load(d: PeerDataset): Promise<LoadOutcome> {
      data = d;
      raw = await buildRawIndex(d.ds, p.hnsw);
      return {
        load_s: raw.build_s,
        rss_mb: Math.round(raw.rss_delta_mb * 10) / 10,
        rss_total_mb: null,
        index: `HNSW l2sq M=${p.hnsw.M} efConstruction=${p.hnsw.efConstruction}, f32`,
        knob: 'ef',
        knobs: [16, 32, 64, 128, 256, 512],
        extra: { index_file_mb: Math.round(raw.file_mb * 10) / 10 },
      };
    },
    async search(knob: number, clients: number, filter: FilterSpec | null, l: SearchLimits): Promise<SearchOutcome> {
      if (!raw || !data) throw new Error('search before load');
      if (filter) throw new Error('the usearch JS binding takes no filter');
      let run;
      if (clients === 1) {
        run = searchSequential(raw, data.ds.queries, knob, l.k, l.warmup);
      } else {
        let pool = pools.get(clients);
        if (!pool) pools.set(clients, (pool = startRawClients(raw, data.ds.queries, clients, l.k)));
        run = await pool.run(knob, l.k, l.warmup);
      }
      const { ids, ...summary } = run;
      return { ids, summary };
    },
    async freshness() {
      return { notApplicable: 'an in-process library: add() returns once the rows are in the graph, so they are visible at once' };
    },
    async coldStart(knob, k) {
      if (!raw || !data) throw new Error('no dataset loaded');
      const started = nowMs();
      const index = new Index({
        dimensions: raw.dim, metric: MetricKind.L2sq, quantization: ScalarKind.F32, connectivity: raw.hnsw.M,
        expansion_add: raw.hnsw.efConstruction, expansion_search: knob, multi: false,
      });
      index.view(raw.path);
      const found = index.search(data.ds.queries.subarray(0, raw.dim), k, 1);
      const seconds = (nowMs() - started) / 1000;
      if (found.keys.length < k) throw new Error(`the opened index answered ${found.keys.length} hits, expected ${k}`);
      return { seconds, readySeconds: null, rows: data.ds.spec.rows, includes: 'in this process: memory-map the saved index file with view() and answer one query (no process start)' };
    },
    async recovery() {
      return { notApplicable: 'no indexer and no log: nothing to catch up' };
    },
    unload,
    close: unload,
  };
}
