/**
 * The process registry over the real local coordinator with a steered clock: a heartbeat makes
 * the record appear with its details, renewals keep it, it expires once the TTL passes without
 * one, stop() drops it at once, owned shards travel with it (and a change is sent without
 * waiting for the next heartbeat), and coordinator failures go to onError instead of throwing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openLocalCoordinator } from '../../../src/shared/adapters/local-coordinator/local-coordinator.ts';
import {
  ProcessRegistry,
  advertisedAddress,
  ownedShardsOf,
  processStatusOf,
  registerProcess,
  type OwnedShard,
  type ProcessIdentity,
} from '../../../src/shared/ops/process-registry.ts';
import { processStatusSchema } from '../../../src/shared/ops/status-schema.ts';
import { QUIVER_VERSION } from '../../../src/shared/ops/version.ts';
import type { Coordinator } from '../../../src/shared/ports/coordinator.ts';

const identity = (id: string): ProcessIdentity => ({
  id, role: 'indexer', host: 'box-1', pid: 4242, version: '9.9.9', address: '', startedAt: 1_000,
});

/** Polls `check` until it returns true; fails after `ms` (a bound, not a timing assertion). */
async function eventually(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('process registry', () => {
  let dir = '';
  let clock = 10_000;
  let coordinator: Coordinator;
  const live = async (id: string) => (await coordinator.liveProcesses()).find((p) => p.id === id);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quiver-registry-'));
    coordinator = await openLocalCoordinator({ path: join(dir, 'coordinator'), now: () => clock });
  });
  after(async () => {
    await coordinator.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows a heartbeat with its details and forgets it once the TTL passed without one', async () => {
    const registry = new ProcessRegistry({ coordinator, identity: identity('p-expire'), now: () => clock, intervalMs: 1_000, ttlMs: 3_000 });
    await registry.beat();
    const lease = await live('p-expire');
    assert.ok(lease, 'registered');
    const shown = processStatusSchema.parse(processStatusOf(lease));
    assert.deepEqual(shown, {
      id: 'p-expire', role: 'indexer', host: 'box-1', pid: 4242, version: '9.9.9', address: '',
      startedAt: 1_000, lastHeartbeat: 10_000, expiresAt: 13_000,
    });
    clock += 2_999;
    assert.ok(await live('p-expire'), 'alive just before the TTL ends');
    clock += 1;
    assert.equal(await live('p-expire'), undefined, 'gone once the TTL passed');
  });

  it('keeps a renewed record and drops a stopped one at once', async () => {
    const registry = new ProcessRegistry({ coordinator, identity: identity('p-renew'), now: () => clock, intervalMs: 1_000, ttlMs: 3_000 });
    await registry.beat();
    clock += 2_000;
    await registry.beat();
    clock += 2_000;
    const lease = await live('p-renew');
    assert.equal(lease && processStatusOf(lease).lastHeartbeat, clock - 2_000, 'the renewal is the last heartbeat');
    await registry.stop();
    clock += 1;
    assert.equal(await live('p-renew'), undefined);
    await registry.stop(); // idempotent
  });

  it('reports owned shards and sends a change before the next heartbeat', async () => {
    const shards: OwnedShard[] = [];
    const registry = new ProcessRegistry({
      coordinator, identity: identity('p-shards'), now: () => clock,
      intervalMs: 600_000, ttlMs: 1_200_000, changeCheckMs: 5, ownedShards: () => shards,
    });
    registry.start();
    try {
      await eventually(async () => (await live('p-shards')) !== undefined);
      assert.deepEqual(ownedShardsOf((await live('p-shards'))!), []);
      shards.push({ topic: 'quiver.1000', shard: 1, state: 'active', reason: '' });
      await eventually(async () => ownedShardsOf((await live('p-shards'))!).length === 1);
      assert.deepEqual(ownedShardsOf((await live('p-shards'))!), shards);
    } finally {
      await registry.stop();
    }
  });

  it('ignores shard reports that are not its own format', () => {
    const base = { id: 'x', role: 'indexer', expiresAt: 0 };
    assert.deepEqual(ownedShardsOf({ ...base, info: {} }), []);
    assert.deepEqual(ownedShardsOf({ ...base, info: { shards: 'not json' } }), []);
    assert.deepEqual(ownedShardsOf({ ...base, info: { shards: '[{"topic":"t","shard":"1"}]' } }), []);
    const foreign = processStatusOf({ ...base, info: { pid: 'abc' } });
    assert.deepEqual([foreign.host, foreign.pid, foreign.version, foreign.startedAt, foreign.lastHeartbeat], ['', null, '', null, null]);
  });

  it('registerProcess fills in the version and reports failures instead of throwing', async () => {
    const closedDir = await mkdtemp(join(tmpdir(), 'quiver-registry-closed-'));
    const closed = await openLocalCoordinator({ path: join(closedDir, 'coordinator') });
    await closed.close();
    const warnings: string[] = [];
    const registry = registerProcess({
      coordinator: closed, role: 'proxy', host: 'h', pid: 1, address: 'http://h:1', newId: () => 'p-fail',
      now: () => clock, warn: (m, f) => warnings.push(`${m} ${JSON.stringify(f)}`),
    });
    try {
      await eventually(async () => warnings.length > 0);
      assert.match(warnings[0], /process heartbeat failed.*"role":"proxy"/);
    } finally {
      await registry.stop();
      await rm(closedDir, { recursive: true, force: true });
    }
    const ok = registerProcess({ coordinator, role: 'proxy', host: 'h', pid: 1, address: 'http://h:1', newId: () => 'p-version', now: () => clock, warn: () => {} });
    try {
      await eventually(async () => (await live('p-version')) !== undefined);
      assert.equal(processStatusOf((await live('p-version'))!).version, QUIVER_VERSION);
    } finally {
      await ok.stop();
    }
  });

  it('refuses a TTL that does not outlast the heartbeat interval', () => {
    assert.throws(() => new ProcessRegistry({ coordinator, identity: identity('bad'), now: () => clock, intervalMs: 5_000, ttlMs: 5_000 }), /ttlMs/);
  });

  it('advertises a reachable address', () => {
    assert.equal(advertisedAddress('127.0.0.1', 80, 'box'), 'http://127.0.0.1:80');
    assert.equal(advertisedAddress('0.0.0.0', 19530, 'box'), 'http://box:19530');
    assert.equal(advertisedAddress('::1', 5, 'box'), 'http://[::1]:5');
  });
});
