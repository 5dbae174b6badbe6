/**
 * Behaviour every Coordinator adapter must show, runnable against any of them (local, Redis).
 * Each test works under its own random key prefix and process ids, so suites may share a server.
 */

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ConflictError, type Coordinator } from '../../src/shared/ports/coordinator.ts';

export interface CoordinatorFixture {
  coordinator: Coordinator;
  /** Removes whatever the coordinator left behind (directory, keys). */
  cleanup(): Promise<void>;
}

/** Registers the contract tests for one adapter; `open` is called once per describe block. */
export function runCoordinatorContract(
  name: string,
  open: () => Promise<CoordinatorFixture>,
): void {
  describe(`Coordinator contract: ${name}`, () => {
    let fixture: CoordinatorFixture;
    let c: Coordinator;
    before(async () => {
      fixture = await open();
      c = fixture.coordinator;
    });
    after(async () => {
      await c.close();
      await fixture.cleanup();
    });

    const scope = () => `contract/${randomUUID()}/`;

    /** Asserts that `promise` rejects with a ConflictError on `key` with `actualVersion`. */
    const rejectsConflict = (promise: Promise<unknown>, key: string, actualVersion: number | null) =>
      assert.rejects(promise, (err: unknown) => {
        assert.ok(err instanceof ConflictError, `expected ConflictError, got ${String(err)}`);
        assert.equal(err.key, key);
        assert.equal(err.actualVersion, actualVersion);
        return true;
      });

    it('returns null and [] for keys that do not exist', async () => {
      const p = scope();
      assert.equal(await c.get(`${p}missing`), null);
      assert.deepEqual(await c.list(p), []);
    });

    it('commits puts and reads them back with their versions', async () => {
      const p = scope();
      const versions = await c.commit([
        { kind: 'put', key: `${p}a`, value: 'alpha' },
        { kind: 'put', key: `${p}b`, value: '' },
      ]);
      assert.deepEqual(Object.keys(versions).sort(), [`${p}a`, `${p}b`]);
      for (const v of Object.values(versions)) assert.ok(Number.isSafeInteger(v) && v > 0);
      assert.deepEqual(await c.get(`${p}a`), { key: `${p}a`, value: 'alpha', version: versions[`${p}a`] });
      assert.deepEqual(await c.get(`${p}b`), { key: `${p}b`, value: '', version: versions[`${p}b`] });
    });

    it('stores values verbatim, including large and non-ASCII ones', async () => {
      const p = scope();
      const value = JSON.stringify({ text: 'é 日本 😀', blob: 'x'.repeat(200_000) });
      await c.commit([{ kind: 'put', key: `${p}doc`, value }]);
      assert.equal((await c.get(`${p}doc`))?.value, value);
    });

    it('increases the version on every change, also across delete and re-create', async () => {
      const key = `${scope()}k`;
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) seen.push((await c.commit([{ kind: 'put', key, value: `v${i}` }]))[key]);
      await c.commit([{ kind: 'delete', key }]);
      assert.equal(await c.get(key), null);
      seen.push((await c.commit([{ kind: 'put', key, value: 'again' }]))[key]);
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], `versions ${seen}`);
      assert.equal((await c.get(key))?.version, seen.at(-1));
    });

    it('lists by prefix, sorted by key, with versions', async () => {
      const p = scope();
      const keys = [`${p}b`, `${p}a/2`, `${p}ab`, `${p}a/1`, `${p}a`];
      const versions: Record<string, number> = {};
      for (const key of keys) Object.assign(versions, await c.commit([{ kind: 'put', key, value: key }]));
      await c.commit([{ kind: 'put', key: `${scope()}a/1`, value: 'elsewhere' }]);

      const all = await c.list(p);
      assert.deepEqual(all.map((e) => e.key), [...keys].sort());
      for (const e of all) {
        assert.equal(e.value, e.key);
        assert.equal(e.version, versions[e.key]);
      }
      assert.deepEqual((await c.list(`${p}a/`)).map((e) => e.key), [`${p}a/1`, `${p}a/2`]);
      assert.deepEqual((await c.list(`${p}a`)).map((e) => e.key), [`${p}a`, `${p}a/1`, `${p}a/2`, `${p}ab`]);
    });

    it('applies a conditional put when the version matches, else conflicts and changes nothing', async () => {
      const key = `${scope()}cas`;
      const v1 = (await c.commit([{ kind: 'put', key, value: 'one' }]))[key];
      const v2 = (await c.commit([{ kind: 'put', key, value: 'two', expectedVersion: v1 }]))[key];
      assert.ok(v2 > v1);
      await rejectsConflict(c.commit([{ kind: 'put', key, value: 'stale', expectedVersion: v1 }]), key, v2);
      assert.deepEqual(await c.get(key), { key, value: 'two', version: v2 });
    });

    it('create-if-absent (expectedVersion null) succeeds once, then conflicts', async () => {
      const key = `${scope()}new`;
      const v = (await c.commit([{ kind: 'put', key, value: 'first', expectedVersion: null }]))[key];
      await rejectsConflict(c.commit([{ kind: 'put', key, value: 'second', expectedVersion: null }]), key, v);
      assert.equal((await c.get(key))?.value, 'first');
    });

    it('a version condition on a missing key conflicts with actual version null', async () => {
      const key = `${scope()}absent`;
      await rejectsConflict(c.commit([{ kind: 'put', key, value: 'x', expectedVersion: 1 }]), key, null);
      await rejectsConflict(c.commit([{ kind: 'delete', key, expectedVersion: 1 }]), key, null);
      assert.equal(await c.get(key), null);
    });

    it('deletes unconditionally, conditionally, and treats a missing key as deleted', async () => {
      const p = scope();
      const v = (await c.commit([{ kind: 'put', key: `${p}d`, value: 'x' }]))[`${p}d`];
      await rejectsConflict(c.commit([{ kind: 'delete', key: `${p}d`, expectedVersion: v + 1000 }]), `${p}d`, v);
      assert.equal((await c.get(`${p}d`))?.value, 'x');
      await c.commit([{ kind: 'delete', key: `${p}d`, expectedVersion: v }]);
      assert.equal(await c.get(`${p}d`), null);
      assert.deepEqual(await c.commit([{ kind: 'delete', key: `${p}d` }]), {});
      await c.commit([{ kind: 'delete', key: `${p}never`, expectedVersion: null }]);
    });

    it('check ops gate the other ops of a commit without changing their own key', async () => {
      const p = scope();
      const fence = `${p}epoch`;
      const ve = (await c.commit([{ kind: 'put', key: fence, value: '7' }]))[fence];
      const ok = await c.commit([
        { kind: 'check', key: fence, expectedVersion: ve },
        { kind: 'check', key: `${p}lock`, expectedVersion: null },
        { kind: 'put', key: `${p}manifest`, value: 'm1' },
      ]);
      assert.deepEqual(Object.keys(ok), [`${p}manifest`]);
      assert.equal((await c.get(fence))?.version, ve);
      await rejectsConflict(c.commit([
        { kind: 'check', key: fence, expectedVersion: ve + 1000 },
        { kind: 'put', key: `${p}manifest`, value: 'm2' },
      ]), fence, ve);
      assert.equal((await c.get(`${p}manifest`))?.value, 'm1');
    });

    it('applies multi-key commits all or nothing and names the first failing key', async () => {
      const p = scope();
      const va = (await c.commit([{ kind: 'put', key: `${p}a`, value: 'a0' }]))[`${p}a`];
      const vd = (await c.commit([{ kind: 'put', key: `${p}d`, value: 'd0' }]))[`${p}d`];
      await rejectsConflict(c.commit([
        { kind: 'put', key: `${p}a`, value: 'a1', expectedVersion: va },
        { kind: 'put', key: `${p}b`, value: 'b1' },
        { kind: 'delete', key: `${p}d` },
        { kind: 'put', key: `${p}c`, value: 'c1', expectedVersion: 12345 },
        { kind: 'check', key: `${p}a`, expectedVersion: null },
      ]), `${p}c`, null);
      assert.deepEqual(await c.get(`${p}a`), { key: `${p}a`, value: 'a0', version: va });
      assert.equal(await c.get(`${p}b`), null);
      assert.deepEqual(await c.get(`${p}d`), { key: `${p}d`, value: 'd0', version: vd });
      assert.equal(await c.get(`${p}c`), null);

      const ok = await c.commit([
        { kind: 'put', key: `${p}a`, value: 'a1', expectedVersion: va },
        { kind: 'put', key: `${p}b`, value: 'b1', expectedVersion: null },
        { kind: 'delete', key: `${p}d`, expectedVersion: vd },
      ]);
      assert.deepEqual(Object.keys(ok).sort(), [`${p}a`, `${p}b`]);
      assert.deepEqual((await c.list(p)).map((e) => [e.key, e.value]), [[`${p}a`, 'a1'], [`${p}b`, 'b1']]);
    });

    it('lets exactly one of 20 concurrent create-if-absent commits win', async () => {
      const key = `${scope()}leader`;
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) =>
        c.commit([{ kind: 'put', key, value: `candidate-${i}`, expectedVersion: null }])));
      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      assert.equal(winners.length, 1, 'exactly one commit wins');
      for (const r of results) {
        if (r.status === 'rejected') assert.ok(r.reason instanceof ConflictError, String(r.reason));
      }
      const stored = await c.get(key);
      assert.equal(stored?.value, `candidate-${winners[0]}`);
      const won = results[winners[0]] as PromiseFulfilledResult<Record<string, number>>;
      assert.equal(stored?.version, won.value[key]);
    });

    it('loses no update under concurrent read-modify-write with retries', async () => {
      const key = `${scope()}counter`;
      await c.commit([{ kind: 'put', key, value: '0', expectedVersion: null }]);
      const increment = async () => {
        for (;;) {
          const cur = await c.get(key);
          assert.ok(cur !== null);
          try {
            await c.commit([{ kind: 'put', key, value: String(Number(cur.value) + 1), expectedVersion: cur.version }]);
            return;
          } catch (err) {
            if (!(err instanceof ConflictError)) throw err;
          }
        }
      };
      await Promise.all(Array.from({ length: 5 }, async () => { for (let i = 0; i < 6; i++) await increment(); }));
      assert.equal((await c.get(key))?.value, '30');
    });

    it('notifies watchers of changes under their prefix only, after the change is readable', async () => {
      const p = scope();
      const seen: Array<{ key: string; value: string | undefined }> = [];
      const stop = c.watch(`${p}w/`, (key) => {
        // Record what a reader sees at notification time: the change must already be visible.
        void c.get(key).then((v) => seen.push({ key, value: v?.value }));
      });
      try {
        await c.commit([{ kind: 'put', key: `${p}other`, value: 'x' }]);
        await c.commit([{ kind: 'put', key: `${p}w/a`, value: 'first' }]);
        await waitFor(() => seen.some((s) => s.key === `${p}w/a`));
        assert.deepEqual(seen[0], { key: `${p}w/a`, value: 'first' });
        await c.commit([{ kind: 'delete', key: `${p}w/a` }]);
        await waitFor(() => seen.length >= 2);
        await sleep(100);
        assert.ok(seen.every((s) => s.key === `${p}w/a`), `only watched keys: ${JSON.stringify(seen)}`);
        assert.equal(seen.at(-1)?.value, undefined, 'the delete was visible when notified');
      } finally {
        stop();
      }
    });

    it('stops notifying after unsubscribe', async () => {
      const p = scope();
      const calls: string[] = [];
      const stop = c.watch(p, (key) => calls.push(key));
      await c.commit([{ kind: 'put', key: `${p}1`, value: 'x' }]);
      await waitFor(() => calls.length > 0);
      stop();
      stop();
      const before = calls.length;
      await c.commit([{ kind: 'put', key: `${p}2`, value: 'y' }]);
      await sleep(150);
      assert.equal(calls.length, before);
      assert.ok(!calls.includes(`${p}2`));
    });

    it('keeps working when a watch callback throws', async () => {
      const p = scope();
      const healthy: string[] = [];
      const stopBad = c.watch(p, () => { throw new Error('subscriber bug'); });
      const stopGood = c.watch(p, (key) => healthy.push(key));
      try {
        await c.commit([{ kind: 'put', key: `${p}x`, value: '1' }]);
        await c.commit([{ kind: 'put', key: `${p}y`, value: '2' }]);
        await waitFor(() => healthy.includes(`${p}y`));
        assert.ok(healthy.includes(`${p}x`));
        assert.equal((await c.get(`${p}y`))?.value, '2');
      } finally {
        stopBad();
        stopGood();
      }
    });

    it('reports live processes and forgets them when their lease expires', async () => {
      const id = `proc-${randomUUID()}`;
      const short = `proc-${randomUUID()}`;
      const mine = async () => (await c.liveProcesses()).filter((p) => p.id === id || p.id === short);
      const t0 = Date.now();
      await c.heartbeat({ id, role: 'indexer', info: { address: '10.0.0.1:9000' } }, 10_000);
      await c.heartbeat({ id: short, role: 'proxy', info: {} }, 300);
      const live = await mine();
      assert.deepEqual(live.map((p) => p.id).sort(), [id, short].sort());
      const lease = live.find((p) => p.id === id);
      assert.equal(lease?.role, 'indexer');
      assert.deepEqual(lease?.info, { address: '10.0.0.1:9000' });
      assert.ok(lease !== undefined && Math.abs(lease.expiresAt - (t0 + 10_000)) < 2_000);

      await sleep(200);
      await c.heartbeat({ id: short, role: 'proxy', info: { renewed: 'yes' } }, 300);
      await sleep(200);
      const renewed = (await mine()).find((p) => p.id === short);
      assert.deepEqual(renewed?.info, { renewed: 'yes' }, 'renewal extends the lease');

      await sleep(400);
      assert.deepEqual((await mine()).map((p) => p.id), [id]);
    });
  });
}

/** Polls `condition` every 10 ms; fails the test after `timeoutMs`. */
async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}
