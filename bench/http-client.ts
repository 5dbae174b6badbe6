/**
 * Load generation against the Milvus REST API over keep-alive connections: concurrent batch
 * inserts and closed-loop search clients. Request bodies are serialised before the clock starts,
 * so the client's JSON encoding is not charged to the server.
 *
 * Requests go through `node:http` with a keep-alive agent, not the global `fetch`: on this kind
 * of machine a `fetch` round trip costs about 0.9 ms of client CPU against 0.14 ms for
 * `node:http` (measured with a trivial server in one process), and the load generator shares the
 * cores with the server, so a heavy client would be charged to the server under test.
 */
import { Agent, request } from 'node:http';
import { nowMs, summarize, type LatencySummary } from './measure.ts';

/** One pool of keep-alive sockets for every request this process sends. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** Milvus REST envelope. */
interface Envelope {
  code: number;
  message?: string;
  data?: unknown;
}

/** Thrown for a non-zero Milvus code or a non-200 HTTP status. */
export class MilvusCallError extends Error {}

/** Sends `VectorDB` requests whose bodies are already JSON strings. */
export async function postJson(
  url: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Envelope> {
  const { status, text } = await post(new URL(`${url}/v2/vectordb/${path}`), body, headers);
  if (status !== 200) throw new MilvusCallError(`${path}: HTTP ${status}: ${text.slice(0, 300)}`);
  const env = JSON.parse(text) as Envelope;
  if (env.code !== 0) throw new MilvusCallError(`${path}: code ${env.code}: ${env.message ?? ''}`);
  return env;
}

/**
 * One POST over the shared keep-alive agent; resolves with the status and the body text. A
 * request that fails on a reused idle connection the server had just closed (its keep-alive
 * timeout racing our reuse) is sent once more on a fresh one, as Node's documentation advises;
 * every request the benchmarks send is idempotent (searches, and inserts with explicit keys).
 */
async function post(url: URL, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  try {
    return await postOnce(url, body, headers);
  } catch (err) {
    if (!(err instanceof StaleSocketError)) throw err;
    return postOnce(url, body, headers);
  }
}

/** The server closed a reused keep-alive connection before answering. */
class StaleSocketError extends Error {}

function postOnce(url: URL, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const payload = Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      const stale = req.reusedSocket && (err.code === 'ECONNRESET' || err.message === 'socket hang up');
      reject(stale ? new StaleSocketError(err.message, { cause: err }) : err);
    });
    req.end(payload);
  });
}

/** Result of a bulk insert. */
export interface InsertRun {
  rows: number;
  /** UTF-8 bytes of JSON bodies sent. */
  bytes: number;
  seconds: number;
  rows_per_s: number;
  mb_per_s: number;
  /** Monotonic time (ms) at which the last acknowledgement arrived. */
  lastAckMs: number;
}

/** The server for request `i`: one URL, or several taken in turn (round-robin). */
function target(url: string | readonly string[], i: number): string {
  return typeof url === 'string' ? url : url[i % url.length];
}

/**
 * Sends pre-serialised insert bodies (each holding `rowsPerBody[i]` rows) with `concurrency`
 * requests in flight; every request must be acknowledged with the full insertCount. With several
 * URLs, body i goes to url[i mod n].
 */
export async function runInserts(
  url: string | readonly string[],
  bodies: string[],
  rowsPerBody: number[],
  concurrency: number,
  onProgress?: (done: number, total: number) => void,
): Promise<InsertRun> {
  const bytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0);
  let next = 0;
  let done = 0;
  let lastAckMs = 0;
  const started = nowMs();
  const worker = async () => {
    while (next < bodies.length) {
      const i = next++;
      const env = await postJson(target(url, i), 'entities/insert', bodies[i]);
      const count = (env.data as { insertCount?: number } | undefined)?.insertCount;
      if (count !== rowsPerBody[i]) throw new MilvusCallError(`insert ${i}: acknowledged ${count} of ${rowsPerBody[i]} rows`);
      lastAckMs = nowMs();
      onProgress?.(++done, bodies.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  const seconds = (lastAckMs - started) / 1000;
  const rows = rowsPerBody.reduce((a, b) => a + b, 0);
  return { rows, bytes, seconds, rows_per_s: rows / seconds, mb_per_s: bytes / 2 ** 20 / seconds, lastAckMs };
}

/** Result of a closed-loop search run. */
export interface SearchRun extends LatencySummary {
  /** ids[q] = primary keys returned for request q, best first. */
  ids: number[][];
}

/**
 * Closed-loop load: `clients` concurrent clients each send one request, wait for its answer and
 * send the next, until every body in `bodies` was sent exactly once. Latency is per request as
 * seen by the client; QPS is requests over the wall time of the whole run. Responses must be
 * sent with `Accept-Type-Allow-Int64: true` semantics (numeric ids) under `pkField`. With several
 * URLs, request i goes to url[i mod n].
 */
export async function runSearchLoad(url: string | readonly string[], bodies: string[], clients: number, pkField = 'id'): Promise<SearchRun> {
  const latencies = new Float64Array(bodies.length);
  const ids: number[][] = new Array(bodies.length);
  let next = 0;
  const headers = { 'Accept-Type-Allow-Int64': 'true' };
  const started = nowMs();
  const client = async () => {
    while (next < bodies.length) {
      const i = next++;
      const t0 = nowMs();
      const env = await postJson(target(url, i), 'entities/search', bodies[i], headers);
      latencies[i] = nowMs() - t0;
      ids[i] = (env.data as Record<string, unknown>[]).map((row) => Number(row[pkField]));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, clients) }, client));
  return { ...summarize(latencies, nowMs() - started), ids };
}

/**
 * `count` identical requests to `path`, one at a time: the fixed cost of a round trip through
 * the HTTP stack and request handling, to set search latencies against.
 */
export async function runRoundTrips(url: string, path: string, body: string, count: number): Promise<LatencySummary> {
  const latencies = new Float64Array(count);
  const started = nowMs();
  for (let i = 0; i < count; i++) {
    const t0 = nowMs();
    await postJson(url, path, body);
    latencies[i] = nowMs() - t0;
  }
  return summarize(latencies, nowMs() - started);
}
