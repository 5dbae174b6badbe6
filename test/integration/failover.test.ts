/**
 * Proxy failover behind a load balancer, on real Kafka, S3 and Redis: nginx (the example config
 * infra/nginx/quiver.conf) in front of 2 proxies, 2 indexers, a 4-shard collection. Inserts and
 * Strong searches run through nginx the whole time while proxies are SIGKILLed:
 *  - one proxy down (either one): no client sees an error; requests that were in flight or sent
 *    to the dead proxy are retried by nginx on the other;
 *  - both down: every request gets a clean, prompt answer (HTTP 503, code 2201), never a hang;
 *  - both back: the workload succeeds again;
 *  - an indexer SIGKILLed under the same traffic: inserts go on, Strong searches wait for the
 *    other indexer to take over its shards and then answer correctly;
 *  - after resending the inserts that failed (the same rows with the same keys), every
 *    acknowledged row is stored exactly once and count(*) matches.
 * The numbers it prints are the ones quoted in RELIABILITY.md.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { payloadCollectionBody, startCluster, type Cluster } from '../helpers/cluster.ts';
import { freePort, startNginx, type Nginx } from '../helpers/nginx.ts';
import { isolatedClusterEnv } from '../helpers/services-env.ts';
import { Workload, type Call, type Phase } from '../helpers/failover-workload.ts';

const DIM = 8;
const COLLECTION = 'failover_rows';
/** Request-Timeout sent with every request: quiver answers (if only with an error) by then. */
const QUIVER_DEADLINE_S = 25;
/** Client-side bound on every request: reaching it counts as a hang. */
const CLIENT_TIMEOUT_MS = 40_000;

function rowFor(id: number) {
  return {
    id,
    vector: Array.from({ length: DIM }, (_, j) => Math.sin(id * 0.37 + j * 1.3)),
    payload: `row-${id}-${(id * 2654435761) % 1000003}`,
  };
}

describe('proxy failover behind nginx', () => {
  let cluster: Cluster;
  let nginx: Nginx;
  let workload: Workload;
  const ports: number[] = [];

  before(async () => {
    ports.push(await freePort(), await freePort());
    // Kafka's smallest session timeout: a SIGKILLed indexer's shards move to the other sooner.
    cluster = await startCluster({ ...isolatedClusterEnv('fo'), QUIVER_KAFKA_SESSION_TIMEOUT_MS: '6000' }, 0, 2);
    await Promise.all(ports.map((port, i) => cluster.startProxy(i, port)));
    nginx = await startNginx(ports.map((p) => `127.0.0.1:${p}`));
  });
  after(async () => {
    workload?.stop();
    await workload?.done();
    if (workload) console.log(workload.report());
    await nginx?.stop();
    await cluster?.close();
  });

  it('keeps serving through the balancer while proxies die, and loses nothing', async () => {
    const call: Call = (path, body) => callThrough(nginx.url, path, body);
    const created = await call('collections/create', payloadCollectionBody(COLLECTION, DIM));
    assert.equal(created.json?.code, 0, JSON.stringify(created));

    workload = new Workload({ call, collection: COLLECTION, rowFor, writers: 2, searchers: 1 });
    workload.start();
    const addr = ports.map((p) => `127.0.0.1:${p}`);
    const failMessage = async () => `${workload.report()}\nnginx:\n${(await nginx.logs()).slice(-3000)}`;
    const served = async (phase: Phase, minOk: number) =>
      workload.waitFor(() => workload.okCount(phase, 'insert') >= minOk && workload.okCount(phase, 'search') >= minOk, 90_000, `${minOk} ok inserts and searches in ${phase}`, failMessage);

    // Both proxies answer, so nginx holds connections to both when the first one dies.
    await workload.waitFor(() => addr.every((a) => workload.servedBy(a)), 60_000, 'both proxies serving', failMessage);
    await served('steady', 5);

    workload.setPhase('proxy 1 down');
    await cluster.proxies[0].kill();
    await served('proxy 1 down', 10);

    workload.setPhase('proxy 1 back');
    await cluster.startProxy(0, ports[0]);
    // The restarted proxy takes requests again before the other one goes away.
    await workload.waitFor(() => workload.servedBy(addr[0], 'proxy 1 back'), 60_000, 'restarted proxy 1 serving', failMessage);

    workload.setPhase('proxy 2 down');
    await cluster.proxies[1].kill();
    await served('proxy 2 down', 10);

    workload.setPhase('both down');
    await Promise.all(cluster.proxies.map((p) => p.kill()));
    await workload.waitFor(() => workload.failCount('both down', 'insert') >= 5 && workload.failCount('both down', 'search') >= 5, 60_000, 'failures while both are down', failMessage);

    workload.setPhase('restarting');
    const restartAt = Date.now();
    await Promise.all(ports.map((port, i) => cluster.startProxy(i, port)));
    const startedAt = Date.now();
    await workload.waitFor(() => workload.okCount('restarting', 'insert') > 0 && workload.okCount('restarting', 'search') > 0, 60_000, 'first success after restart', failMessage);
    const firstOkAt = Date.now();
    workload.setPhase('recovered');
    await workload.waitFor(() => addr.every((a) => workload.servedBy(a, 'recovered')), 60_000, 'both restarted proxies serving', failMessage);
    await served('recovered', 10);
    workload.note(`proxies restarted in ${startedAt - restartAt} ms; first insert and search through nginx ok ${firstOkAt - startedAt} ms after that`);

    // An indexer dies under the same traffic: inserts only need the log, and Strong searches
    // wait (not fail) until the other indexer has taken over the dead one's shards.
    workload.setPhase('indexer down');
    await cluster.indexers[0]!.kill();
    await served('indexer down', 5);
    workload.stop();
    await workload.done();
    // Requests whose connection broke after they were sent (in flight when the proxy died, or on
    // a kept-alive connection to it); nginx resent them to the other proxy when one was up.
    // Timing decides how many there are, so they are counted, not required.
    const cut = (await readFile(nginx.errorLog, 'utf8')).match(/prematurely closed|reset by peer/g)?.length ?? 0;
    workload.note(`upstream connections broken under a sent request: ${cut}`);

    // While one proxy was up, and once both were back, nothing failed.
    for (const phase of ['steady', 'proxy 1 down', 'proxy 1 back', 'proxy 2 down', 'recovered', 'indexer down'] as const) {
      assert.equal(workload.failures(phase).length, 0, `failures in ${phase}: ${JSON.stringify(workload.failures(phase).slice(0, 3))}\n${await failMessage()}`);
    }
    // With no proxy, answers are prompt, clean errors: 503 with quiver's unavailable code.
    const down = workload.failures('both down');
    assert.ok(down.length >= 10);
    for (const f of down) {
      assert.equal(f.status, 503, JSON.stringify(f));
      assert.equal(f.code, 2201, JSON.stringify(f));
    }
    assert.ok(workload.outcomes.every((o) => !o.hung), `a request hung: ${JSON.stringify(workload.outcomes.find((o) => o.hung))}`);

    // A client resends inserts that failed: the same rows with the same keys. Some of them may
    // have been stored before the proxy died; the resend must not duplicate them.
    const resent = await workload.resendFailedInserts(60_000);
    // And an insert whose answer was lost, resent although it had succeeded, changes nothing.
    const again = await call('entities/insert', { collectionName: COLLECTION, data: workload.ackedBatches[0].map(rowFor) });
    assert.equal(again.json?.code, 0, JSON.stringify(again));
    workload.note(`resent ${resent} failed insert batches; ${workload.ackedIds().length} rows acknowledged in all`);
    await workload.assertExactlyOnce();
  });
});

/** POST through the balancer with a client-side deadline; never throws. */
async function callThrough(url: string, path: string, body: unknown): ReturnType<Call> {
  const started = Date.now();
  try {
    const res = await fetch(`${url}/v2/vectordb/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Accept-Type-Allow-Int64': 'true', 'Request-Timeout': String(QUIVER_DEADLINE_S) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    const text = await res.text();
    let json: { code?: number; data?: unknown; message?: string } | undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text: json ? undefined : text.slice(0, 200), upstream: res.headers.get('x-quiver-upstream') ?? '', ms: Date.now() - started, hung: false };
  } catch (err) {
    const hung = (err as Error).name === 'TimeoutError';
    return { status: 0, upstream: '', ms: Date.now() - started, hung, text: String(err) };
  }
}
