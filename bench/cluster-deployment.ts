/**
 * A quiver cluster under test on the shared local services (.quiver/services.env): proxies and
 * indexers started by the integration tests' helpers in an isolated deployment (own topic prefix,
 * S3 prefix and Redis key prefix), the processes whose CPU a phase accounts for (the cluster's,
 * the services' and the benchmark's own), the versions of the services, and the waits a
 * benchmark needs.
 */
import { readFileSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import rdkafka from '@confluentinc/kafka-javascript';
import { Redis } from 'ioredis';
import { openS3ObjectStore } from '../src/shared/adapters/s3/index.ts';
import { loadConfig } from '../src/shared/config/load.ts';
import { startCluster, type Cluster } from '../test/helpers/cluster.ts';
import type { QuiverProcess } from '../test/helpers/quiver-process.ts';
import { isolatedClusterEnv } from '../test/helpers/services-env.ts';
import type { MeteredProcess } from './cpu-meter.ts';
import { nowMs, pollUntil, processCpuSeconds, sleep } from './measure.ts';
import { control } from './quiver-server.ts';

/** A running cluster and how to dispose of it. */
export interface BenchCluster {
  /** QUIVER_* settings every process got (prefixes included). */
  env: Record<string, string>;
  cluster: Cluster;
  /** Base URLs of the proxies, in order. */
  urls: string[];
  /** This process, the proxies, the indexers and the services, for CPU accounting. */
  processes: MeteredProcess[];
  /** Whether any process logged a restore of the coordinator from object-store backups. */
  coordinatorRestored(): boolean;
  /** Last log lines of every process, for failure messages. */
  logs(lines?: number): string;
  /**
   * Kills the processes, removes their data directories and whatever the deployment left in S3
   * and Redis under its own prefixes. Idempotent.
   */
  close(): Promise<void>;
}

function pidFrom(file: string | undefined): number | null {
  if (!file) return null;
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function members(c: Cluster): { name: string; proc: QuiverProcess }[] {
  return [
    ...c.proxies.map((proc, i) => ({ name: `proxy-${i}`, proc })),
    ...c.indexers.flatMap((proc, i) => (proc ? [{ name: `indexer-${i}`, proc }] : [])),
  ];
}

/** The directory startCluster created for the processes' data (parent of each --data-dir). */
function dataRoot(c: Cluster): string | null {
  const args = members(c)[0]?.proc.child.spawnargs ?? [];
  const at = args.indexOf('--data-dir');
  return at >= 0 && args[at + 1] ? dirname(args[at + 1]) : null;
}

/**
 * Starts `proxies` proxies and `indexers` indexers in a fresh isolated deployment named after
 * `tag`, with `extraEnv` on top of the services' settings.
 */
export async function startBenchCluster(tag: string, proxies: number, indexers: number, extraEnv: Record<string, string> = {}): Promise<BenchCluster> {
  const env = { ...isolatedClusterEnv(tag), ...extraEnv };
  const cluster = await startCluster(env, proxies, indexers);
  // If this process exits without closing (an uncaught error, a signal turned into exit), take
  // the cluster's processes and data with it.
  const onExit = () => {
    for (const m of members(cluster)) m.proc.child.kill('SIGKILL');
    const root = dataRoot(cluster);
    if (root) rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const processes: MeteredProcess[] = [
    { name: 'bench', pid: null },
    ...members(cluster).map((m) => ({ name: m.name, pid: m.proc.child.pid ?? null })),
    { name: 'kafka', pid: pidFrom(env.QUIVER_TEST_KAFKA_PID_FILE) },
    { name: 's3', pid: pidFrom(env.QUIVER_TEST_S3_PID_FILE) },
    { name: 'redis', pid: pidFrom(env.QUIVER_TEST_REDIS_PID_FILE) },
  ];
  let closing: Promise<void> | null = null;
  return {
    env,
    cluster,
    urls: cluster.proxies.map((p) => p.url),
    processes,
    coordinatorRestored: () => members(cluster).some((m) => m.proc.logs().includes('restored from object-store backups')),
    logs: (lines = 8) =>
      members(cluster)
        .map((m) => {
          const exited = m.proc.child.exitCode !== null || m.proc.child.signalCode !== null;
          const tail = m.proc.logs().trim().split('\n').slice(-lines).join('\n');
          return `--- ${m.name}${exited ? ` (exited: code ${m.proc.child.exitCode}, signal ${m.proc.child.signalCode})` : ''}\n${tail}`;
        })
        .join('\n'),
    close: () =>
      (closing ??= (async () => {
        process.off('exit', onExit);
        await cluster.close();
        await purgeDeployment(env);
      })()),
  };
}

/**
 * Deletes what a deployment leaves on the shared services once its collections are dropped
 * (coordinator backups in S3, catalog and sequence keys in Redis), best effort. Its topics go
 * with its collections.
 */
async function purgeDeployment(env: Record<string, string>): Promise<void> {
  const s3Prefix = env.QUIVER_S3_PREFIX;
  const keyPrefix = env.QUIVER_REDIS_KEY_PREFIX;
  if (s3Prefix) {
    const config = loadConfig({ env });
    if (config.objectStore.kind === 's3') {
      const store = await openS3ObjectStore({ ...config.objectStore, prefix: s3Prefix }).catch(() => null);
      if (store) {
        const objects = await store.list('').catch(() => []);
        await Promise.all(objects.map((o) => store.delete(o.key).catch(() => undefined)));
        await store.close();
      }
    }
  }
  if (keyPrefix && env.QUIVER_REDIS_URL) {
    const client = new Redis(env.QUIVER_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await client.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
    } catch {
      // Best effort: leftovers are small and isolated by the prefix.
    } finally {
      client.disconnect();
    }
  }
}

/** What the cluster ran on. */
export interface ServiceVersions {
  kafka: string;
  librdkafka: string;
  redis: string;
  s3_server: string;
}

async function kafkaVersion(libsDir: string | undefined): Promise<string> {
  if (!libsDir) return 'unknown';
  try {
    const jar = (await readdir(libsDir)).find((f) => /^kafka-clients-[\d.]+\.jar$/.test(f));
    return jar ? jar.slice('kafka-clients-'.length, -'.jar'.length) : 'unknown';
  } catch {
    return 'unknown';
  }
}

async function redisVersion(url: string | undefined): Promise<string> {
  if (!url) return 'unknown';
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  try {
    await client.connect();
    const info = await client.info('server');
    return /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  } finally {
    client.disconnect();
  }
}

/** Reads the versions using the settings of .quiver/services.env. */
export async function serviceVersions(env: Record<string, string>): Promise<ServiceVersions> {
  const [kafka, redis] = await Promise.all([kafkaVersion(env.QUIVER_TEST_KAFKA_LIBS), redisVersion(env.QUIVER_REDIS_URL)]);
  return {
    kafka,
    librdkafka: (rdkafka as { librdkafkaVersion?: string }).librdkafkaVersion ?? 'unknown',
    redis,
    s3_server: env.QUIVER_TEST_S3_SERVER ?? 'unknown',
  };
}

/** Index build progress as indexes/describe reports it (from the shard manifests). */
export interface IndexProgress {
  totalRows: number;
  indexedRows: number;
  pendingRows: number;
}

/** indexes/describe of the `vector` index. */
export async function indexProgress(url: string, name: string): Promise<IndexProgress> {
  const data = (await control(url, 'indexes/describe', { collectionName: name, indexName: 'vector' })) as Record<string, unknown>[];
  const d = data[0] ?? {};
  return { totalRows: Number(d.totalRows ?? 0), indexedRows: Number(d.indexedRows ?? 0), pendingRows: Number(d.pendingRows ?? 0) };
}

/**
 * Waits until every indexer used less than `maxCores` over the same one-second window
 * (background merges and index builds done), or `timeoutMs` passed; seconds waited.
 */
export async function waitIndexersIdle(c: BenchCluster, timeoutMs: number, maxCores = 0.15): Promise<number> {
  const pids = c.processes.filter((p) => p.name.startsWith('indexer-') && p.pid !== null).map((p) => p.pid!);
  const started = nowMs();
  const read = () => Promise.all(pids.map((pid) => processCpuSeconds(pid)));
  let before = await read();
  while (nowMs() - started < timeoutMs) {
    const t0 = nowMs();
    await sleep(1000);
    const after = await read();
    const window = (nowMs() - t0) / 1000;
    const busy = after.some((cpu, i) => cpu !== null && before[i] !== null && (cpu - before[i]!) / window >= maxCores);
    before = after;
    if (!busy) break;
  }
  return (nowMs() - started) / 1000;
}

/**
 * Requests a full compaction through `url` and waits until it completed and every one of `rows`
 * rows is in an HNSW segment; seconds from the request, or null on timeout.
 */
export async function compactFully(url: string, name: string, rows: number, timeoutMs: number): Promise<number | null> {
  const started = nowMs();
  const job = (await control(url, 'collections/compact', { collectionName: name })) as { compactionID?: number };
  const done = await pollUntil(async () => {
    const state = (await control(url, 'collections/get_compaction_state', { collectionName: name, jobID: job.compactionID })) as { state?: string };
    if (state.state !== 'Completed') return null;
    const p = await indexProgress(url, name);
    return p.pendingRows === 0 && p.indexedRows >= rows ? true : null;
  }, 200, timeoutMs);
  return done ? (nowMs() - started) / 1000 : null;
}
