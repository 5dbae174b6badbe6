/**
 * The search phase of the cluster suite: closed-loop clients spread their single-query searches
 * over the proxies in turn (consistency Eventually), after a warm-up, `repeats` times per client
 * count; the run with the median QPS is reported with its recall@k against exact ground truth.
 */
import { recallAtK, type GroundTruth } from '../ground-truth.ts';
import { runSearchLoad, type SearchRun } from '../http-client.ts';
import { medianBy } from '../measure.ts';
import { meterCpu, type CpuUsage, type MeteredProcess } from '../cpu-meter.ts';

/** One client count's outcome. */
export interface ClusterSearchPoint {
  clients: number;
  recall: number;
  run: SearchRun;
  /** Cores each process used over all timed runs of this client count. */
  cpu: CpuUsage;
}

/** Inputs of {@link searchThroughProxies}. */
export interface ClusterSearchPhase {
  urls: readonly string[];
  /** One request body per query (standalone-search.ts searchBodies). */
  bodies: string[];
  gt: GroundTruth;
  clients: readonly number[];
  repeats: number;
  warmup: number;
  processes: readonly MeteredProcess[];
  log: (line: string) => void;
}

/** Searches with every client count in turn; see the module comment. */
export async function searchThroughProxies(phase: ClusterSearchPhase): Promise<ClusterSearchPoint[]> {
  const { urls, bodies, gt, log } = phase;
  const points: ClusterSearchPoint[] = [];
  for (const clients of phase.clients) {
    await runSearchLoad(urls, bodies.slice(0, phase.warmup), clients);
    const { value: runs, cpu } = await meterCpu(phase.processes, async () => {
      const out: SearchRun[] = [];
      for (let r = 0; r < phase.repeats; r++) out.push(await runSearchLoad(urls, bodies, clients));
      return out;
    });
    const run = medianBy(runs, (x) => x.qps);
    const recall = recallAtK(gt, (q) => run.ids[q]);
    log(`search: ${clients} client(s) over ${urls.length} proxies: recall@${gt.k} ${recall.toFixed(4)}  ${run.qps.toFixed(0)} QPS  ` +
      `p50 ${run.p50_ms.toFixed(2)} ms  p99 ${run.p99_ms.toFixed(2)} ms`);
    points.push({ clients, recall, run, cpu });
  }
  return points;
}
