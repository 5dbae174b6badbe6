/**
 * Insert-to-searchable latency of the cluster under a steady write load: a paced writer sends
 * small batches through one proxy at a fixed row rate (open loop, bounded in flight); the first
 * id of every batch is a marker. A prober asks another proxy for all outstanding markers at once
 * (entities/get, consistency Eventually) every `pollMs` until each is visible. Latency = the
 * response that first returned a marker − the acknowledgement of its insert. Each marker is also
 * traced through the shard manifests (manifest-observer.ts) to split the latency into stages.
 */
import { shardOf } from '../../src/proxy/write/shard-router.ts';
import { parseToken, SESSION_HEADER } from '../../src/proxy/write/session-tracker.ts';
import type { CollectionInfo } from '../../src/shared/schema/types.ts';
import { MilvusCallError, postJson } from '../http-client.ts';
import type { ManifestObserver, OffsetTrace } from '../manifest-observer.ts';
import { nowMs, quantile, sleep, summarize, wallClockMs } from '../measure.ts';

/** Inputs of {@link measureVisibility}. */
export interface VisibilityOptions {
  writerUrl: string;
  proberUrl: string;
  collection: CollectionInfo;
  dim: number;
  rowsPerSecond: number;
  batch: number;
  durationS: number;
  pollMs: number;
  maxInFlight: number;
  /** First primary key to use; ids firstId, firstId+1, ... are taken. */
  firstId: number;
  /** How long to keep probing for markers after the writer stopped. */
  drainTimeoutMs: number;
  observer: ManifestObserver;
  log: (line: string) => void;
}

/** A latency stage over the traced markers, ms. */
export interface Stage {
  name: string;
  mean_ms: number;
  p50_ms: number;
  p99_ms: number;
}

/** What the run measured. */
export interface VisibilityMeasurement {
  target_rows_per_s: number;
  achieved_rows_per_s: number;
  rows: number;
  markers: number;
  /** Markers never seen before the drain timeout (counted as infinitely late). */
  missing: number;
  p50_ms: number;
  p99_ms: number;
  mean_ms: number;
  max_ms: number;
  /** Insert requests' own latency (until acknowledged). */
  insert_p50_ms: number;
  insert_p99_ms: number;
  /** Round trip of one probe (entities/get of the outstanding markers). */
  probe_p50_ms: number;
  probes: number;
  /** Time between consecutive flushes (manifest publications) of a shard while writing, ms. */
  flush_gap_p50_ms: number;
  flush_gap_p99_ms: number;
  /** Markers traced through the manifests, and the stages of their latency. */
  traced: number;
  stages: Stage[];
}

interface Marker {
  ackAt: number;
  shard: number;
  offset: number;
}

/** Distinct vectors far from the benchmark data (components near 60), as JSON arrays. */
export function farVectors(count: number, dim: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    `[${Array.from({ length: dim }, (_, j) => (60 + 0.5 * Math.sin(i * 12.9898 + j * 78.233)).toFixed(4)).join(',')}]`,
  );
}

/** An insert body of `count` rows with ids from `first`, vectors from the pool. */
export function farRowsBody(collection: string, first: number, count: number, pool: readonly string[]): string {
  const rows: string[] = [];
  for (let id = first; id < first + count; id++) rows.push(`{"id":${id},"vector":${pool[id % pool.length]}}`);
  return `{"collectionName":${JSON.stringify(collection)},"data":[${rows.join(',')}]}`;
}

/** Sends one insert; resolves with the acknowledged per-shard offsets. */
async function insert(url: string, body: string, rows: number, c: CollectionInfo): Promise<number[]> {
  const res = await fetch(`${url}/v2/vectordb/entities/insert`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const env = (await res.json()) as { code: number; message?: string; data?: { insertCount?: number } };
  if (env.code !== 0 || env.data?.insertCount !== rows) throw new MilvusCallError(`paced insert: ${JSON.stringify(env).slice(0, 300)}`);
  const offsets = parseToken(res.headers.get(SESSION_HEADER) ?? undefined, c.id, c.shardsNum);
  if (!offsets) throw new MilvusCallError(`paced insert: no session token in the answer`);
  return offsets;
}

function stage(name: string, values: number[]): Stage {
  const s = summarize(values, 1);
  return { name, mean_ms: s.mean_ms, p50_ms: s.p50_ms, p99_ms: s.p99_ms };
}

/** Runs the paced writer and the prober together; see the module comment. */
export async function measureVisibility(o: VisibilityOptions): Promise<VisibilityMeasurement> {
  const c = o.collection;
  const pool = farVectors(8192, o.dim);
  const intervalMs = (o.batch / o.rowsPerSecond) * 1000;
  const outstanding = new Map<number, Marker>();
  const latencies: number[] = [];
  const traces: { marker: Marker; visibleAt: number; trace: OffsetTrace }[] = [];
  const insertLatencies: number[] = [];
  const probeLatencies: number[] = [];
  let nextId = o.firstId;
  let rows = 0;
  let markers = 0;
  let writing = true;
  let failure: unknown = null;

  const writer = async () => {
    const inFlight = new Set<Promise<void>>();
    const started = nowMs();
    for (let k = 0; nowMs() - started < o.durationS * 1000 && failure === null; k++) {
      const due = started + k * intervalMs;
      if (due > nowMs()) await sleep(due - nowMs());
      while (inFlight.size >= o.maxInFlight) await Promise.race(inFlight);
      const first = nextId;
      nextId += o.batch;
      const body = farRowsBody(c.name, first, o.batch, pool);
      const t0 = nowMs();
      const send = insert(o.writerUrl, body, o.batch, c).then(
        (offsets) => {
          insertLatencies.push(nowMs() - t0);
          const shard = shardOf(first, c.shardsNum);
          outstanding.set(first, { ackAt: wallClockMs(), shard, offset: offsets[shard] });
          rows += o.batch;
          markers++;
        },
        (err: unknown) => void (failure ??= err),
      );
      const tracked = send.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    await Promise.all(inFlight);
    return (nowMs() - started) / 1000;
  };

  const prober = async () => {
    const headers = { 'Accept-Type-Allow-Int64': 'true' };
    let drainStarted: number | null = null;
    while (failure === null && (writing || outstanding.size > 0)) {
      if (!writing) drainStarted ??= nowMs();
      if (drainStarted !== null && nowMs() - drainStarted > o.drainTimeoutMs) break;
      if (outstanding.size === 0) {
        await sleep(1);
        continue;
      }
      const ids = [...outstanding.keys()].slice(0, 1000);
      const t0 = nowMs();
      const env = await postJson(o.proberUrl, 'entities/get', JSON.stringify({
        collectionName: c.name, id: ids, outputFields: ['id'], consistencyLevel: 'Eventually',
      }), headers);
      const visibleAt = wallClockMs();
      probeLatencies.push(nowMs() - t0);
      for (const row of env.data as { id: number }[]) {
        const marker = outstanding.get(Number(row.id));
        if (!marker) continue;
        outstanding.delete(Number(row.id));
        latencies.push(visibleAt - marker.ackAt);
        const trace = o.observer.trace(marker.shard, marker.offset);
        if (trace) traces.push({ marker, visibleAt, trace });
      }
      const left = o.pollMs - (nowMs() - t0);
      if (left > 0) await sleep(left);
    }
  };

  const writeStartedAt = wallClockMs();
  const probing = prober().catch((err: unknown) => void (failure ??= err));
  const wroteFor = await writer().finally(() => (writing = false));
  const writeEndedAt = wallClockMs();
  await probing;
  if (failure !== null) throw failure instanceof Error ? failure : new Error(String(failure));
  const missing = outstanding.size;
  const all = Float64Array.from([...latencies, ...new Array<number>(missing).fill(Infinity)]).sort();
  const s = summarize(latencies, 1);
  const ins = summarize(insertLatencies, 1);
  // Only while the writer ran (after its first second): before and after, shards have nothing to flush.
  const gaps = summarize(o.observer.flushGaps(writeStartedAt + 1000, writeEndedAt), 1);
  o.log(`latency: ${markers} markers, ${missing} never seen; ${traces.length} traced through ${o.observer.count()} manifest publications`);
  return {
    target_rows_per_s: o.rowsPerSecond,
    achieved_rows_per_s: rows / wroteFor,
    rows,
    markers,
    missing,
    p50_ms: quantile(all, 0.5),
    p99_ms: quantile(all, 0.99),
    mean_ms: s.mean_ms,
    max_ms: all.length > 0 ? all[all.length - 1] : NaN,
    insert_p50_ms: ins.p50_ms,
    insert_p99_ms: ins.p99_ms,
    probe_p50_ms: summarize(probeLatencies, 1).p50_ms,
    probes: probeLatencies.length,
    flush_gap_p50_ms: gaps.p50_ms,
    flush_gap_p99_ms: gaps.p99_ms,
    traced: traces.length,
    stages: [
      stage('acknowledged → flush started (indexer: consume, wait for the flush interval)', traces.map((t) => t.trace.flushStartedAt - t.marker.ackAt)),
      stage('flush started → manifest stamped (build the flat segment, write it to S3)', traces.map((t) => t.trace.manifestUpdatedAt - t.trace.flushStartedAt)),
      stage('manifest stamped → publication seen (Redis commit, pub/sub, read)', traces.map((t) => t.trace.seenAt - t.trace.manifestUpdatedAt)),
      stage('publication seen → visible through the other proxy (segment load, probe interval)', traces.map((t) => t.visibleAt - t.trace.seenAt)),
    ],
  };
}
