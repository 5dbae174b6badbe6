/**
 * quiver restarted over its own data directory. Cold start: the loaded server stops gracefully
 * (SIGTERM) and a new one starts over the same directory; timed from spawning it until a search
 * for query 0 answers k hits. Recovery: a server started with a flush interval and buffer so
 * large that its indexer publishes nothing takes a backlog of inserts (acknowledged, so durable in
 * the embedded log), is killed (SIGKILL), and a server with the default settings starts over the
 * directory; timed until every row is searchable through segments, which the restarted indexer
 * can only publish by reading the backlog from the log past its shard's checkpoint.
 */
import { postJson, runInserts } from '../../http-client.ts';
import { nowMs, pollUntil, wallClockMs } from '../../measure.ts';
import { countRows, startBenchServer, type BenchServer } from '../../quiver-server.ts';
import type { PeerDataset } from '../data/dataset.ts';
import { extraBatch, shardAssignedAt, type ColdStartOutcome, type RecoveryOutcome } from '../freshness.ts';
import { ExtraRows } from './quiver-freshness.ts';
import { insertBatch, searchBody } from './quiver-requests.ts';

/** The longest flush interval quiver accepts (indexer.flushIntervalMs), ms: the window to build the backlog in. */
const MAX_FLUSH_INTERVAL_MS = 60_000;

/** Log records of `collection` past its shards' checkpoints (the status endpoint's lag), or null when unknown. */
export async function logLag(url: string, collection: string): Promise<number | null> {
  const res = await fetch(`${url}/v2/quiver/status?collectionName=${encodeURIComponent(collection)}`);
  const body = (await res.json()) as { code?: number; data?: { databases?: { collections?: { lag: number | null }[] }[] } };
  return body.code === 0 ? (body.data?.databases?.[0]?.collections?.[0]?.lag ?? null) : null;
}

/**
 * Called with every server started over the data directory, at once: from then on it owns the
 * directory and is the one to close, whatever happens next.
 */
export type AdoptServer = (server: BenchServer) => void;

/** Stops `server` and times a new one over its directory until query 0 answers `k` hits. */
export async function quiverColdStart(server: BenchServer, adopt: AdoptServer, collection: string, data: PeerDataset, rows: number, knob: number, k: number): Promise<ColdStartOutcome> {
  await server.stop();
  const started = nowMs();
  const next = await startBenchServer(undefined, { dataDir: server.dataDir });
  adopt(next);
  const readySeconds = (nowMs() - started) / 1000;
  const body = searchBody(collection, data, 0, k, knob);
  // Until the collection's segments are loaded a search fails or answers fewer hits.
  const answered = await pollUntil(async () => {
    const res = await postJson(next.url, 'entities/search', body).catch(() => null);
    return res && (res.data as unknown[]).length >= k ? true : null;
  }, 5, 120_000);
  if (!answered) throw new Error('the restarted server answered no search with k hits within 120 s');
  return {
    seconds: (nowMs() - started) / 1000, readySeconds, rows,
    includes: 'spawn of `bin/quiver standalone` (Node + tsx start), opening the data directory, loading the segments, one search over HTTP',
  };
}

/** Builds a backlog of `backlog` rows (ids from `firstId`), kills the server, and times the catch-up of a restarted one. */
export async function quiverRecovery(server: BenchServer, adopt: AdoptServer, collection: string, data: PeerDataset, rowsBefore: number, firstId: number, backlog: number): Promise<RecoveryOutcome> {
  // Rows still in the log after the last restart are published by now or soon.
  const settled = await pollUntil(async () => ((await countRows(server.url, collection, 'Eventually')) === rowsBefore ? true : null), 50, 60_000);
  if (!settled) throw new Error(`expected ${rowsBefore} rows searchable before the backlog, found ${await countRows(server.url, collection, 'Eventually')}`);
  await server.stop();
  let current = await startBenchServer(undefined, {
    dataDir: server.dataDir,
    env: { QUIVER_FLUSH_INTERVAL_MS: String(MAX_FLUSH_INTERVAL_MS), QUIVER_MAX_BUFFER_ROWS: String(backlog + 1) },
  });
  adopt(current);
  const firstAppend = nowMs();
  const extra = new ExtraRows(data, collection);
  const batch = insertBatch(data.ds.spec.dim);
  let requests = 0;
  for (let from = 0; from < backlog; from += batch * 20) {
    const bodies: string[] = [];
    const counts: number[] = [];
    for (let start = from; start < Math.min(backlog, from + batch * 20); start += batch) {
      const n = Math.min(batch, backlog - start);
      const { ids } = extraBatch(0, n, firstId + start, data.ds.spec.rows);
      bodies.push(extra.body(ids, ids.map((id) => id % data.ds.spec.rows)));
      counts.push(n);
    }
    await runInserts(current.url, bodies, counts, 2);
    requests += bodies.length;
  }
  const lag = await logLag(current.url, collection);
  const visible = await countRows(current.url, collection, 'Eventually');
  if ((nowMs() - firstAppend) > MAX_FLUSH_INTERVAL_MS * 0.8) throw new Error(`inserting the backlog took too long (${((nowMs() - firstAppend) / 1000).toFixed(0)} s): it may have been flushed`);
  if (visible > rowsBefore) throw new Error(`the indexer published backlog rows before the kill (${visible - rowsBefore} visible)`);
  if (lag !== null && lag < requests) throw new Error(`the log holds ${lag} records past the checkpoint, expected at least ${requests}`);
  await current.kill();
  const started = nowMs();
  const startedWall = wallClockMs();
  current = await startBenchServer(undefined, { dataDir: current.dataDir });
  adopt(current);
  const ready = nowMs();
  const total = rowsBefore + backlog;
  const timeoutMs = Math.max(120_000, backlog * 20);
  let reads = 0;
  const done = await pollUntil(async () => {
    reads++;
    return (await countRows(current.url, collection, 'Eventually').catch(() => 0)) >= total ? true : null;
  }, 20, timeoutMs);
  if (!done) throw new Error(`the restarted server did not make all ${total} rows searchable within ${timeoutMs / 1000} s`);
  const end = nowMs();
  const assignedWall = shardAssignedAt(current.process.logs());
  const assignedSeconds = assignedWall === null ? null : Math.max(0, (assignedWall - startedWall) / 1000);
  const seconds = (end - started) / 1000;
  const catchUpSeconds = Math.max(0.001, seconds - (assignedSeconds ?? (ready - started) / 1000));
  return {
    backlogRows: backlog, backlogRecords: lag, seconds, readySeconds: (ready - started) / 1000, assignedSeconds, catchUpSeconds,
    doneByFirstRead: reads === 1, rowsPerSecond: backlog / catchUpSeconds,
    how: 'standalone: kill -9 with the backlog only in the embedded log, restart with defaults, until count(*) (Eventually, segments only) holds every row',
  };
}
