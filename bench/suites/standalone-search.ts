/**
 * The search phase of the standalone suite: for every ef and client count, the server (over HTTP),
 * the in-process index and the same index behind a bare `node:http` server (bench/http-floor.ts)
 * answer the same queries, alternating run by run, so that all see the same conditions on a
 * machine whose load drifts. Each system's reported run is its median-QPS run of that setting.
 */
import type { Dataset } from '../datasets.ts';
import { vectorAt } from '../datasets.ts';
import { recallAtK, type GroundTruth } from '../ground-truth.ts';
import { runSearchLoad, type SearchRun } from '../http-client.ts';
import { startHttpFloor } from '../http-floor.ts';
import { medianBy } from '../measure.ts';
import { searchSequential, startRawClients, type RawClientPool, type RawIndex } from '../raw-usearch.ts';
import type { StandaloneParams } from './standalone.ts';

/** One search configuration's outcome for one system. */
export interface SearchPoint {
  ef: number;
  clients: number;
  recall: number;
  run: SearchRun;
}

/** Inputs of {@link searchAll}. */
export interface SearchPhase {
  url: string;
  collection: string;
  raw: RawIndex;
  ds: Dataset;
  gt: GroundTruth;
  params: StandaloneParams;
  log: (line: string) => void;
}

/** Search request bodies, one query each, for one ef. */
export function searchBodies(ds: Dataset, collection: string, k: number, ef: number): string[] {
  const nq = ds.queries.length / ds.spec.dim;
  return Array.from({ length: nq }, (_, q) =>
    JSON.stringify({
      collectionName: collection,
      data: [Array.from(vectorAt(ds.queries, ds.spec.dim, q))],
      annsField: 'vector',
      limit: k,
      searchParams: { metricType: 'L2', params: { ef } },
      consistencyLevel: 'Eventually',
    }),
  );
}

const describe = (r: SearchRun, recall: number) =>
  `recall@10 ${recall.toFixed(4)}  ${r.qps.toFixed(0)} QPS  p50 ${r.p50_ms.toFixed(2)} ms  p99 ${r.p99_ms.toFixed(2)} ms`;

/** Each system's points from {@link searchAll}. */
export interface SearchPoints {
  quiver: SearchPoint[];
  raw: SearchPoint[];
  /** The in-process index behind a bare `node:http` server. */
  bareHttp: SearchPoint[];
}

/** Searches the three systems over the ef sweep and client counts; returns each system's points. */
export async function searchAll(phase: SearchPhase): Promise<SearchPoints> {
  const { url, collection, raw, ds, gt, params: p, log } = phase;
  const floor = await startHttpFloor(raw);
  log(`bare HTTP: node:http server over the in-process index at ${floor.url} (pid ${floor.pid})`);
  const pools = new Map<number, RawClientPool>();
  for (const c of p.clients) if (c > 1) pools.set(c, startRawClients(raw, ds.queries, c, p.k));
  const rawRun = (ef: number, clients: number): Promise<SearchRun> | SearchRun =>
    clients === 1 ? searchSequential(raw, ds.queries, ef, p.k, p.warmup) : pools.get(clients)!.run(ef, p.k, p.warmup);
  const quiver: SearchPoint[] = [];
  const inProcess: SearchPoint[] = [];
  const bareHttp: SearchPoint[] = [];
  try {
    for (const ef of p.efs) {
      const bodies = searchBodies(ds, collection, p.k, ef);
      for (const clients of p.clients) {
        await runSearchLoad(url, bodies.slice(0, p.warmup), clients);
        await runSearchLoad(floor.url, bodies.slice(0, p.warmup), clients);
        const httpRuns: SearchRun[] = [];
        const rawRuns: SearchRun[] = [];
        const bareRuns: SearchRun[] = [];
        for (let r = 0; r < p.repeats; r++) {
          httpRuns.push(await runSearchLoad(url, bodies, clients));
          rawRuns.push(await rawRun(ef, clients));
          bareRuns.push(await runSearchLoad(floor.url, bodies, clients));
        }
        const systems = [['quiver', httpRuns, quiver], ['usearch', rawRuns, inProcess], ['bare HTTP', bareRuns, bareHttp]] as const;
        for (const [system, runs, out] of systems) {
          const run = medianBy(runs, (x) => x.qps);
          const recall = recallAtK(gt, (q) => run.ids[q]);
          out.push({ ef, clients, recall, run });
          log(`${system}: ef=${ef} clients=${clients}: ${describe(run, recall)}`);
        }
      }
    }
  } finally {
    await Promise.all([...pools.values()].map((pool) => pool.close()));
    await floor.close();
  }
  return { quiver, raw: inProcess, bareHttp };
}
