/**
 * The broker's ceiling for quiver's writes: the Kafka adapter of the Log port, configured as a
 * quiver process would be from the same environment, sends pre-encoded write records to a
 * throwaway topic with the collection's partition count. Requests run like the proxy's write path
 * runs them — `concurrency` requests in flight, each sending its shard records in parallel and
 * finishing when all are acknowledged — so only the HTTP, validation and encoding work of the
 * proxies is missing.
 */
import { openKafkaLog } from '../src/shared/adapters/kafka/index.ts';
import { loadConfig } from '../src/shared/config/load.ts';
import type { Log } from '../src/shared/ports/log.ts';
import { medianBy, nowMs, summarize } from './measure.ts';
import type { EncodedInserts } from './wal-records.ts';

/** One timed pass over every request. */
export interface ProducerRun {
  rows: number;
  /** Record payload bytes sent. */
  bytes: number;
  records: number;
  seconds: number;
  rows_per_s: number;
  /** MiB of record payloads per second. */
  mb_per_s: number;
  /** Time from a request's first send to its last acknowledgement. */
  p50_ms: number;
  p99_ms: number;
}

/** What the raw producer measured: every pass and the one with the median throughput. */
export interface ProducerMeasurement {
  topic: string;
  runs: ProducerRun[];
  median: ProducerRun;
  /** Rows sent in all, warm-up included (to relate CPU time to rows). */
  totalRows: number;
}

/** Inputs of {@link measureRawProducer}. */
export interface RawProducerOptions {
  /** QUIVER_* settings (the log's configuration is read from them as quiver reads it). */
  env: Record<string, string | undefined>;
  /** Throwaway topic to create, fill and delete. */
  topic: string;
  partitions: number;
  inserts: EncodedInserts;
  concurrency: number;
  /** Timed passes: at least `repeats`, and more (up to 50) until they took `minSeconds` together. */
  repeats: number;
  minSeconds: number;
  /** Requests sent before timing (connections, metadata, broker warm-up). */
  warmup: number;
  log?: (line: string) => void;
}

/** Opens the Kafka log exactly as quiver's processes do, from QUIVER_* variables. */
export async function openLogFromEnv(env: Record<string, string | undefined>): Promise<Log> {
  const config = loadConfig({ env });
  if (config.log.kind !== 'kafka') throw new Error(`the environment configures log.kind=${config.log.kind}, not kafka`);
  return openKafkaLog(config.log);
}

async function sendRequests(log: Log, topic: string, inserts: EncodedInserts, indexes: number[], concurrency: number): Promise<ProducerRun> {
  const latencies = new Float64Array(indexes.length);
  let next = 0;
  let rows = 0;
  let bytes = 0;
  let records = 0;
  const started = nowMs();
  const worker = async () => {
    while (next < indexes.length) {
      const slot = next++;
      const recs = inserts.perRequest[indexes[slot]];
      const t0 = nowMs();
      await Promise.all(recs.map((r) => log.send(topic, [{ partition: r.partition, key: null, payload: r.payload }])));
      latencies[slot] = nowMs() - t0;
      records += recs.length;
      rows += inserts.rowCounts[indexes[slot]];
      for (const r of recs) bytes += r.payload.length;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  const wall = nowMs() - started;
  const s = summarize(latencies, wall);
  const seconds = wall / 1000;
  return { rows, bytes, records, seconds, rows_per_s: rows / seconds, mb_per_s: bytes / 2 ** 20 / seconds, p50_ms: s.p50_ms, p99_ms: s.p99_ms };
}

/**
 * Creates the topic, sends `warmup` requests untimed, then passes over every request (see
 * `repeats`), and deletes the topic again (also on failure).
 */
export async function measureRawProducer(o: RawProducerOptions): Promise<ProducerMeasurement> {
  const say = o.log ?? (() => undefined);
  const log = await openLogFromEnv(o.env);
  try {
    await log.createTopic(o.topic, o.partitions);
    try {
      const all = o.inserts.perRequest.map((_, i) => i);
      let totalRows = 0;
      if (o.warmup > 0) totalRows += (await sendRequests(log, o.topic, o.inserts, all.slice(0, o.warmup), o.concurrency)).rows;
      const runs: ProducerRun[] = [];
      let seconds = 0;
      while (runs.length < 50 && (runs.length < o.repeats || seconds < o.minSeconds)) {
        const run = await sendRequests(log, o.topic, o.inserts, all, o.concurrency);
        runs.push(run);
        totalRows += run.rows;
        seconds += run.seconds;
      }
      const rates = runs.map((x) => x.rows_per_s).sort((a, b) => a - b);
      say(`raw producer: ${runs.length} passes in ${seconds.toFixed(2)} s: ${rates[0].toFixed(0)}–${rates[rates.length - 1].toFixed(0)} rows/s`);
      return { topic: o.topic, runs, median: medianBy(runs, (x) => x.rows_per_s), totalRows };
    } finally {
      await log.deleteTopic(o.topic).catch(() => undefined);
    }
  } finally {
    await log.close();
  }
}
