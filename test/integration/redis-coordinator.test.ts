/**
 * The Coordinator contract against the Redis adapter on a real Redis (started by
 * `npm run services:up`, which writes .quiver/services.env), plus what only Redis can show:
 * watches that survive a killed subscriber connection, bounded failures and automatic recovery
 * during an outage, versions that stay unique after Redis lost its data, and isolation of
 * deployments by key prefix. Every run works under its own key prefix and removes it afterwards.
 */

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { openRedisCoordinator, type RedisCoordinatorOptions } from '../../src/shared/adapters/redis/index.ts';
import { WatchHub, type ScanRequest, type ScanResult } from '../../src/shared/adapters/redis/watch.ts';
import { ConflictError, CoordinatorUnavailableError, type CommitOp, type Coordinator } from '../../src/shared/ports/coordinator.ts';
import { OutageProxy } from '../helpers/outage-proxy.ts';
import { runCoordinatorContract } from '../contracts/coordinator-contract.ts';

const ENV_FILE = fileURLToPath(new URL('../../.quiver/services.env', import.meta.url));
const RUN = `quiver-test:${Date.now()}-${randomUUID().slice(0, 8)}:`;

/** QUIVER_REDIS_URL from .quiver/services.env; fails (never skips) when the services are not up. */
async function redisUrl(): Promise<string> {
  let text: string;
  try {
    text = await readFile(ENV_FILE, 'utf8');
  } catch {
    throw new Error(`${ENV_FILE} is missing: run npm run services:up to start Redis for these tests`);
  }
  const match = /^(?:export\s+)?QUIVER_REDIS_URL=['"]?([^'"\n]+)['"]?$/m.exec(text);
  if (match === null) throw new Error(`${ENV_FILE} has no QUIVER_REDIS_URL: run npm run services:up again`);
  return match[1];
}

/** Deletes every key of a prefix (SCAN, not KEYS, so a shared Redis is not blocked). */
async function removePrefix(url: string, prefix: string): Promise<void> {
  const raw = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await raw.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    raw.disconnect();
  }
}

const openFor = async (prefix: string, extra: Partial<RedisCoordinatorOptions> = {}) =>
  openRedisCoordinator({ url: await redisUrl(), keyPrefix: prefix, onWatchError: () => {}, ...extra });

runCoordinatorContract('redis', async () => {
  const prefix = `${RUN}contract-${randomUUID().slice(0, 8)}:`;
  const coordinator = await openFor(prefix, { pollMs: 200 });
  return { coordinator, cleanup: async () => removePrefix(await redisUrl(), prefix) };
});

/** Polls `condition` every 10 ms; fails after `timeoutMs`. */
async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await sleep(10);
  }
}

describe('redis coordinator', () => {
  let url: string;
  const prefixes: string[] = [];
  const open: Coordinator[] = [];
  const fresh = async (extra: Partial<RedisCoordinatorOptions> = {}) => {
    const prefix = `${RUN}${randomUUID().slice(0, 8)}:`;
    prefixes.push(prefix);
    const c = await openFor(prefix, extra);
    open.push(c);
    return { c, prefix };
  };
  before(async () => {
    url = await redisUrl();
  });
  after(async () => {
    for (const c of open) await c.close();
    for (const prefix of prefixes) await removePrefix(url, prefix);
  });

  it('keeps watching after the subscriber connection is killed', async () => {
    // No periodic poll within the test: what arrives comes by pub/sub or by the poll that
    // follows the subscriber's reconnect.
    const { c } = await fresh({ pollMs: 60_000 });
    const seen: string[] = [];
    const stop = c.watch('w/', (key) => seen.push(key));
    try {
      await sleep(200); // the subscription is in place
      await c.commit([{ kind: 'put', key: 'w/before', value: '1' }]);
      await waitFor(() => seen.includes('w/before'), 3_000, 'notified before the kill');

      const admin = new Redis(url);
      try {
        const killed = await admin.client('KILL', 'TYPE', 'pubsub');
        assert.ok(Number(killed) >= 1, 'a subscriber connection was killed');
      } finally {
        admin.disconnect();
      }
      // Committed while the subscriber is (most likely) still reconnecting: its message is lost,
      // and the poll after the reconnect delivers it.
      await c.commit([{ kind: 'put', key: 'w/during', value: '2' }]);
      await waitFor(() => seen.includes('w/during'), 3_000, 'change made around the kill notified');

      await sleep(300); // the subscriber is back
      await c.commit([{ kind: 'put', key: 'w/after', value: '3' }]);
      await waitFor(() => seen.includes('w/after'), 3_000, 'notified by pub/sub after the reconnect');
      assert.deepEqual(seen, ['w/before', 'w/during', 'w/after'], 'each change exactly once');
    } finally {
      stop();
    }
  });

  it('notifies changes whose message never came, through the periodic poll', async () => {
    const { c, prefix } = await fresh({ pollMs: 100 });
    const seen: string[] = [];
    const stop = c.watch('p/', (key) => seen.push(key));
    try {
      await c.commit([{ kind: 'put', key: 'p/1', value: 'a' }]);
      await waitFor(() => seen.includes('p/1'), 3_000, 'pub/sub notification');
      // What a commit does, minus the PUBLISH: as if the message had been lost.
      const raw = new Redis(url);
      try {
        const revision = await raw.incr(`${prefix}revision`);
        await raw.hset(`${prefix}kv:p/silent`, 'value', 'x', 'version', String(revision));
        await raw.zadd(`${prefix}index`, 0, 'p/silent');
      } finally {
        raw.disconnect();
      }
      await waitFor(() => seen.includes('p/silent'), 3_000, 'poll notification');
      await c.commit([{ kind: 'put', key: 'p/2', value: 'b' }]);
      await waitFor(() => seen.includes('p/2'), 3_000, 'pub/sub after the gap');
      await sleep(300);
      assert.deepEqual(seen, ['p/1', 'p/silent', 'p/2'], 'each change exactly once');
    } finally {
      stop();
    }
  });

  it('fails calls with CoordinatorUnavailableError within a bounded time when Redis is unreachable', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const c = await openRedisCoordinator({ url: `redis://127.0.0.1:${closed}`, keyPrefix: `${RUN}closed:`, pollMs: 50 });
    const stop = c.watch('', () => {});
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['commit', () => c.commit([{ kind: 'put', key: 'k', value: 'v' }])],
      ['get', () => c.get('k')],
      ['list', () => c.list('')],
      ['heartbeat', () => c.heartbeat({ id: 'p', role: 'proxy', info: {} }, 1_000)],
      ['liveProcesses', () => c.liveProcesses()],
    ];
    for (const [name, call] of calls) {
      const t0 = Date.now();
      await assert.rejects(call(), CoordinatorUnavailableError, name);
      assert.ok(Date.now() - t0 < 3_000, `${name} failed after ${Date.now() - t0} ms`);
    }
    stop();
    const t0 = Date.now();
    await c.close();
    await c.close();
    assert.ok(Date.now() - t0 < 2_000, 'close does not hang on a dead server');
    await assert.rejects(c.get('k'), CoordinatorUnavailableError);
  });

  it('recovers by itself after an outage, and watchers hear of changes made meanwhile', async () => {
    const target = new URL(url);
    const outage = new OutageProxy(target.hostname, Number(target.port || 6379));
    await outage.up();
    const prefix = `${RUN}outage-${randomUUID().slice(0, 8)}:`;
    prefixes.push(prefix);
    const viaProxy = await openRedisCoordinator({
      url: `redis://127.0.0.1:${outage.port}`, keyPrefix: prefix, pollMs: 100, commandTimeoutMs: 2_000,
    });
    open.push(viaProxy);
    const direct = await openFor(prefix);
    open.push(direct);
    const seen: string[] = [];
    const stop = viaProxy.watch('o/', (key) => seen.push(key));
    try {
      await viaProxy.commit([{ kind: 'put', key: 'o/1', value: 'a' }]);
      await waitFor(() => seen.includes('o/1'), 3_000, 'watch works through the proxy');

      await outage.down();
      const t0 = Date.now();
      await assert.rejects(viaProxy.commit([{ kind: 'put', key: 'o/2', value: 'b' }]), CoordinatorUnavailableError);
      assert.ok(Date.now() - t0 < 3_000, `commit failed after ${Date.now() - t0} ms`);
      await direct.commit([{ kind: 'put', key: 'o/missed', value: 'c' }]);

      await outage.up();
      const deadline = Date.now() + 5_000;
      for (;;) {
        try {
          await viaProxy.commit([{ kind: 'put', key: 'o/3', value: 'd' }]);
          break;
        } catch (err) {
          assert.ok(err instanceof CoordinatorUnavailableError, String(err));
          if (Date.now() > deadline) throw err;
          await sleep(100);
        }
      }
      await waitFor(() => seen.includes('o/missed') && seen.includes('o/3'), 3_000, 'changes of the outage notified');
      assert.equal((await viaProxy.get('o/missed'))?.value, 'c');
    } finally {
      stop();
      await outage.down().catch(() => {});
    }
  });

  it('keeps versions unique after Redis lost the deployment data', async () => {
    const { c, prefix } = await fresh();
    const before = Date.now();
    const v1 = (await c.commit([{ kind: 'put', key: 'manifest', value: 'm1' }])).manifest;
    assert.ok(v1 > before * 1000 - 60e9 && Number.isSafeInteger(v1), `version seeded from the clock: ${v1}`);
    await removePrefix(url, prefix); // what a restart without persistence does
    assert.equal(await c.get('manifest'), null);
    const v2 = (await c.commit([{ kind: 'put', key: 'manifest', value: 'restored' }])).manifest;
    assert.ok(v2 > v1, `restored key got version ${v2} above the lost ${v1}`);
    await assert.rejects(c.commit([{ kind: 'put', key: 'manifest', value: 'stale', expectedVersion: v1 }]), ConflictError);
  });

  it('isolates deployments by key prefix: keys, watches and leases', async () => {
    const a = await fresh({ pollMs: 50 });
    const b = await fresh({ pollMs: 50 });
    const heardByB: string[] = [];
    const stop = b.c.watch('', (key) => heardByB.push(key));
    try {
      await a.c.commit([{ kind: 'put', key: 'shared/name', value: 'a' }]);
      await a.c.heartbeat({ id: 'proc-a', role: 'indexer', info: {} }, 5_000);
      assert.equal(await b.c.get('shared/name'), null);
      assert.deepEqual(await b.c.list(''), []);
      assert.deepEqual(await b.c.liveProcesses(), []);
      await sleep(200);
      assert.deepEqual(heardByB, []);
      const raw = new Redis(url);
      try {
        const [, keys] = await raw.scan('0', 'MATCH', `${a.prefix}*`, 'COUNT', 1000);
        assert.ok(keys.length > 0 && keys.every((k) => k.startsWith(a.prefix)));
      } finally {
        raw.disconnect();
      }
    } finally {
      stop();
    }
  });

  it('rejects malformed commits and heartbeats with a plain error and applies nothing', async () => {
    const { c } = await fresh();
    const bad: unknown[][] = [
      [{ kind: 'upsert', key: 'k', value: 'v' }],
      [{ kind: 'put', key: '', value: 'v' }],
      [{ kind: 'put', key: 'k', value: 42 }],
      [{ kind: 'check', key: 'k' }],
      [{ kind: 'put', key: 'k', value: 'v', expectedVersion: 0 }],
      [{ kind: 'put', key: 'ok', value: 'v' }, { kind: 'put', key: 'x'.repeat(2000), value: 'v' }],
      [{ kind: 'put', key: 'lone\uD800', value: 'v' }],
      [{ kind: 'put', key: 'k', value: 'lone\uDC00 value' }],
    ];
    for (const ops of bad) {
      await assert.rejects(c.commit(ops as CommitOp[]), (err: unknown) =>
        err instanceof Error && err.name === 'Error', JSON.stringify(ops).slice(0, 80));
    }
    assert.deepEqual(await c.list(''), []);
    await assert.rejects(c.heartbeat({ id: '', role: 'x', info: {} }, 1_000), /process id/);
    await assert.rejects(c.heartbeat({ id: 'z', role: 'x', info: {} }, 0), /ttlMs/);
  });

  it('commits many keys at once and lists them as one snapshot', async () => {
    const { c } = await fresh();
    const ops: CommitOp[] = Array.from({ length: 500 }, (_, i) => ({
      kind: 'put', key: `bulk/${String(i).padStart(4, '0')}`, value: `v${i}`, expectedVersion: null,
    }));
    const versions = await c.commit(ops);
    const revision = versions['bulk/0000'];
    assert.ok(Object.values(versions).every((v) => v === revision), 'one revision per commit');
    const listed = await c.list('bulk/');
    assert.equal(listed.length, 500);
    assert.deepEqual(listed.map((e) => e.key), ops.map((op) => op.key));
  });
});

describe('redis coordinator watch hub (no server)', () => {
  /** A hub whose poll answers from `answers`, recording what it notifies. */
  const setup = () => {
    const answers: ScanResult[] = [];
    const seen: string[] = [];
    // subscribe() polls at once for a baseline; with no answer queued yet, that poll fails like
    // an unreachable Redis would, and the test drives the polls itself.
    const requests: ScanRequest[][] = [];
    const hub = new WatchHub(async (asked) => {
      requests.push(asked);
      const next = answers.shift();
      if (next === undefined) throw new Error('no answer queued');
      return next;
    }, () => {}, () => {}, 60_000);
    const stop = hub.subscribe('a/', (key) => seen.push(key));
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    return { hub, answers, seen, stop, settle, requests };
  };
  const msg = (revision: number, ...changes: Array<[string, 0 | 1]>) => JSON.stringify([String(revision), ...changes.flat()]);

  it('fills gaps of lost messages by polling, notifying each change once', async () => {
    const { hub, answers, seen, stop, settle } = setup();
    answers.push({ revision: 10, versions: [new Map([['a/1', 5]])] });
    await hub.poll(); // baseline: nothing notified
    await settle();
    assert.deepEqual(seen, []);

    hub.handleMessage(msg(11, ['a/1', 1], ['b/x', 1]));
    hub.handleMessage(msg(13, ['a/2', 1])); // 12 was lost
    await settle();
    assert.deepEqual(seen, ['a/1', 'a/2']);

    answers.push({ revision: 13, versions: [new Map([['a/1', 11], ['a/2', 13], ['a/3', 12]])] });
    await hub.poll();
    hub.handleMessage(msg(12, ['a/3', 1])); // the lost message arrives late after all
    await settle();
    assert.deepEqual(seen, ['a/1', 'a/2', 'a/3'], 'the gap notified once, the late message ignored');

    answers.push({ revision: 14, versions: [new Map([['a/1', 11], ['a/2', 13]])] });
    await hub.poll(); // a/3 deleted with its message lost
    await settle();
    assert.deepEqual(seen, ['a/1', 'a/2', 'a/3', 'a/3']);
    stop();
    hub.close();
  });

  it('skips polls while messages keep the view current, and stops after unsubscribe', async () => {
    const { hub, answers, seen, stop, settle, requests } = setup();
    answers.push({ revision: 20, versions: [new Map()] });
    await hub.poll();
    hub.handleMessage(msg(21, ['a/x', 1]));
    hub.handleMessage(msg(22, ['a/x', 0]));
    // The poll sends asOf 22: the server finds it current and scans nothing (null).
    answers.push({ revision: 22, versions: [null] });
    await hub.poll();
    assert.deepEqual(requests.at(-1), [{ prefix: 'a/', asOf: 22 }]);
    await settle();
    stop();
    hub.handleMessage(msg(23, ['a/y', 1]));
    await settle();
    assert.deepEqual(seen, ['a/x', 'a/x']);
    assert.equal(answers.length, 0);
    hub.close();
  });
});
