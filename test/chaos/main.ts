/**
 * `npm run chaos`: proves on a live cluster that quiver loses and duplicates nothing while its
 * processes are killed and paused and its services restarted or stopped.
 *
 *   npm run chaos -- --quick           CI run: each fault kind once, a few minutes
 *   npm run chaos -- --duration 1500   long run (seconds of workload; default 1500)
 *   npm run chaos -- --seed 42         replay a fault schedule and operation mix
 *
 * Starts its own Kafka, S3 server and Redis (infra/local/services.sh with its own directory and
 * ports; wiped at the end), 2 proxies behind nginx and 2 indexers; runs the workload
 * (workload.ts) while injecting faults (faults.ts); then reads everything back and checks it
 * (checker.ts, manifest-monitor.ts). Prints a report whose last line is
 * `chaos: acknowledged=N lost=N duplicated=N faults=N`; exits 1 when anything failed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ChaosCluster } from './chaos-cluster.ts';
import { call } from './client.ts';
import { FAULT_KINDS, faultOrder, inject, type FaultKind } from './faults.ts';
import { settleAndCheck } from './final-state.ts';
import { History } from './history.ts';
import { ManifestMonitor } from './manifest-monitor.ts';
import { chaosCollectionBody } from './payload.ts';
import { failures, formatReport, type RunSummary } from './report.ts';
import { Rng } from './rng.ts';
import { ChaosServices } from './services.ts';
import { ChaosWorkload } from './workload.ts';

/** Kafka's smallest session timeout: a stopped indexer loses its shards after this, ms. */
const SESSION_TIMEOUT_MS = 6000;

interface Plan {
  mode: string;
  /** Workload time budget, ms (quick: until the schedule is done). */
  durationMs: number;
  warmupMs: number;
  gapMs: [number, number];
  tailMs: number;
  s3OutageMs: number;
  pauseMs: number;
  settleMs: number;
  /** The whole run is aborted (a hang) after this, ms. */
  watchdogMs: number;
}

function plan(quick: boolean, durationS: number): Plan {
  return quick
    ? { mode: 'quick', durationMs: 0, warmupMs: 8000, gapMs: [5000, 9000], tailMs: 8000, s3OutageMs: 10_000, pauseMs: SESSION_TIMEOUT_MS + 5000, settleMs: 120_000, watchdogMs: 12 * 60_000 }
    : { mode: `long ${durationS} s`, durationMs: durationS * 1000, warmupMs: 15_000, gapMs: [15_000, 45_000], tailMs: 15_000, s3OutageMs: 20_000, pauseMs: SESSION_TIMEOUT_MS + 8000, settleMs: 240_000, watchdogMs: durationS * 1000 + 20 * 60_000 };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, duration: { type: 'string' }, seed: { type: 'string' }, faults: { type: 'string' } },
  });
  const kinds = values.faults === undefined ? FAULT_KINDS : values.faults.split(',').map((k) => k.trim()) as FaultKind[];
  const unknown = kinds.filter((k) => !FAULT_KINDS.includes(k));
  if (unknown.length > 0 || kinds.length === 0) throw new Error(`--faults takes a comma-separated list of ${FAULT_KINDS.join(', ')}; got ${values.faults}`);
  const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got ${values.seed}`);
  const durationS = values.duration !== undefined ? Number(values.duration) : 1500;
  if (!(durationS >= 30)) throw new Error(`--duration must be at least 30 (seconds), got ${values.duration}`);
  const p = plan(values.quick!, durationS);
  const rng = new Rng(seed);
  const t0 = Date.now();
  const log = (s: string) => console.log(`[chaos t+${((Date.now() - t0) / 1000).toFixed(0)}s] ${s}`);
  log(`mode ${p.mode}, seed ${seed} (replay with --seed ${seed})`);

  const services = new ChaosServices();
  let cluster: ChaosCluster | undefined;
  let monitor: ManifestMonitor | undefined;
  let workload: ChaosWorkload | undefined;
  const watchdog = setTimeout(() => {
    log(`HANG: the run did not finish within ${p.watchdogMs / 1000} s; stopping everything`);
    void cleanup().finally(() => process.exit(1));
  }, p.watchdogMs);
  watchdog.unref();
  let cleaned = false;
  async function cleanup(): Promise<void> {
    if (cleaned) return;
    cleaned = true;
    await monitor?.stop().catch(() => undefined);
    await cluster?.close().catch((err) => log(`closing the cluster: ${String(err)}`));
    await services.downWipe().catch((err) => log(`stopping the services: ${String(err)}`));
  }
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  const history = new History();
  const summary: RunSummary = {
    seed, mode: p.mode, durations: {}, history, reads: {}, readFailures: new Map(), staleExamples: [], faults: [], check: null, settleAttempts: 0,
    fencing: { observations: 0, owners: 0, generations: 0, violations: [], fencedLogLines: 0, restoredLogLines: 0 }, segments: null, crashes: [], errors: [],
    startedAt: Date.now(), notable: {}, manifests: [],
  };
  try {
    // A previous run that was interrupted may have left data behind: start from nothing.
    let t = Date.now();
    await services.downWipe();
    await services.up();
    summary.durations.services = Date.now() - t;
    log(`services up (Kafka ${services.ports.kafka}, S3 ${services.ports.s3}, Redis ${services.ports.redis}, in ${services.dir})`);

    t = Date.now();
    const env: Record<string, string> = {
      ...services.env, QUIVER_TOPIC_PREFIX: 'chaos.', QUIVER_S3_PREFIX: 'chaos/', QUIVER_REDIS_KEY_PREFIX: 'chaos:',
      QUIVER_KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
    };
    cluster = await ChaosCluster.start(env, join(services.dir, 'process-logs'));
    const collection = `chaos_${seed}_${Date.now().toString(36)}`;
    for (let i = 0; ; i++) {
      const r = await call(cluster.url, 'collections/create', chaosCollectionBody(collection));
      if (r.outcome === 'acked') break;
      if (i >= 20) throw new Error(`collections/create kept failing: ${r.reason} ${r.message ?? ''}`);
      await sleep(1000);
    }
    summary.durations.cluster = Date.now() - t;
    log(`cluster up behind ${cluster.url}; collection ${collection}`);

    monitor = new ManifestMonitor(env.QUIVER_REDIS_URL, env.QUIVER_REDIS_KEY_PREFIX);
    await monitor.start();
    workload = new ChaosWorkload({ base: cluster.url, collection, rng, history, workers: 3, readShare: 0.3 });
    t = Date.now();
    summary.startedAt = t;
    workload.start();
    const progress = setInterval(() => {
      const n = history.counts();
      log(`progress: ${n.acked} writes acknowledged, ${n.failed} failed, ${n.ambiguous} ambiguous`);
    }, 15_000);
    await sleep(p.warmupMs);
    const order = faultOrder(rng, kinds, values.quick ? 1 : 1000);
    const ctx = { cluster, services, rng, s3OutageMs: p.s3OutageMs, pauseMs: p.pauseMs, log };
    for (const kind of order) {
      const gap = rng.int(p.gapMs[0], p.gapMs[1]);
      if (!values.quick && Date.now() - t + gap + 30_000 > p.durationMs) break;
      await sleep(gap);
      const at = Date.now();
      log(`fault: ${kind}`);
      const what = await inject(kind as FaultKind, ctx);
      summary.faults.push({ kind, at: at - t, ms: Date.now() - at, what });
      log(`fault done: ${what} (${((Date.now() - at) / 1000).toFixed(1)} s); ${history.counts().acked} writes acknowledged so far`);
    }
    if (!values.quick) await sleep(Math.max(0, p.durationMs - (Date.now() - t) - p.tailMs));
    await sleep(p.tailMs);
    await workload.stop();
    clearInterval(progress);
    summary.durations.workload = Date.now() - t;
    log(`workload stopped: ${JSON.stringify(history.counts()).slice(0, 120)}`);

    t = Date.now();
    const settled = await settleAndCheck(cluster.url, collection, history.keys, p.settleMs, log);
    summary.durations.settle = Date.now() - t;
    summary.check = settled.result;
    summary.settleAttempts = settled.attempts;
    if (settled.lastError) summary.errors.push(`last final read failed: ${settled.lastError}`);

    await monitor.poll();
    const s3 = new S3Client({
      endpoint: env.QUIVER_S3_ENDPOINT, region: env.QUIVER_S3_REGION, forcePathStyle: true,
      credentials: { accessKeyId: env.QUIVER_S3_ACCESS_KEY_ID, secretAccessKey: env.QUIVER_S3_SECRET_ACCESS_KEY },
    });
    summary.segments = await monitor.checkSegments(s3, env.QUIVER_S3_BUCKET, env.QUIVER_S3_PREFIX);
    s3.destroy();
  } catch (err) {
    summary.errors.push(`the run stopped early: ${(err as Error).stack ?? String(err)}`);
    await workload?.stop().catch(() => undefined);
  } finally {
    if (workload) {
      summary.reads = workload.reads;
      summary.readFailures = workload.readFailures;
      summary.staleExamples = workload.staleExamples;
    }
    if (monitor) {
      summary.fencing = {
        observations: monitor.observations, owners: monitor.owners.size, generations: monitor.generations.size, violations: monitor.violations,
        fencedLogLines: cluster?.logCounts.fenced ?? 0, restoredLogLines: cluster?.logCounts.restored ?? 0,
      };
      summary.manifests = monitor.latest();
    }
    summary.crashes = cluster?.crashes.slice() ?? [];
    summary.notable = cluster?.notable ?? {};
    const t = Date.now();
    await cleanup();
    summary.durations.teardown = Date.now() - t;
    summary.durations.total = Date.now() - t0;
    clearTimeout(watchdog);
  }
  console.log(formatReport(summary));
  return failures(summary).length === 0 && (summary.check?.lost ?? 0) === 0 && (summary.check?.duplicated ?? 0) === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
