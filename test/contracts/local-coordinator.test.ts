/**
 * The Coordinator contract against the local (LMDB) adapter, plus what only it can show:
 * persistence across reopen and across kill -9, the never-reused version counter, input
 * validation, watch error reporting and lease expiry on an injected clock.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { openLocalCoordinator } from '../../src/shared/adapters/local-coordinator/local-coordinator.ts';
import { CoordinatorUnavailableError, type CommitOp } from '../../src/shared/ports/coordinator.ts';
import { runCoordinatorContract } from './coordinator-contract.ts';

const newDir = () => mkdtemp(path.join(tmpdir(), 'quiver-local-coordinator-'));
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const adapterUrl = new URL('../../src/shared/adapters/local-coordinator/local-coordinator.ts', import.meta.url).href;

runCoordinatorContract('local', async () => {
  const dir = await newDir();
  // The contract makes a callback throw on purpose; keep that out of the test output.
  const coordinator = await openLocalCoordinator({ path: dir, onWatchError: () => {} });
  return { coordinator, cleanup: () => rm(dir, { recursive: true, force: true }) };
});

describe('local coordinator', () => {
  const dirs: string[] = [];
  const freshDir = async () => {
    const dir = await newDir();
    dirs.push(dir);
    return dir;
  };
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('keeps committed state and the version counter across close and reopen', async () => {
    const dir = await freshDir();
    const first = await openLocalCoordinator({ path: dir });
    const v = await first.commit([
      { kind: 'put', key: 'catalog/db/default', value: '{}' },
      { kind: 'put', key: 'gone', value: 'soon' },
    ]);
    await first.commit([{ kind: 'delete', key: 'gone' }]);
    await first.close();

    const second = await openLocalCoordinator({ path: dir });
    assert.deepEqual(await second.list(''), [
      { key: 'catalog/db/default', value: '{}', version: v['catalog/db/default'] },
    ]);
    const again = await second.commit([{ kind: 'put', key: 'gone', value: 'back' }]);
    assert.ok(again.gone > v.gone, 'a re-created key gets a version never used before');
    await second.close();
  });

  it('keeps every acknowledged commit when the process is killed with SIGKILL', async () => {
    const dir = await freshDir();
    // The child commits in a loop and prints each key once commit() resolved; we kill it mid-loop.
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
      const { openLocalCoordinator } = await import(process.env.ADAPTER_URL);
      const c = await openLocalCoordinator({ path: process.env.DB_DIR });
      for (let i = 0; ; i++) {
        const key = 'acked/' + String(i).padStart(6, '0');
        await c.commit([{ kind: 'put', key, value: 'v' + i, expectedVersion: null }]);
        process.stdout.write(key + '\\n');
      }`], {
      cwd: projectRoot,
      env: { ...process.env, ADAPTER_URL: adapterUrl, DB_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: string[] = [];
    let stderr = '';
    let buffered = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      acked.push(...lines);
      if (acked.length >= 25) child.kill('SIGKILL');
    });
    const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const signal = await exited;
    clearTimeout(deadline);
    assert.equal(signal, 'SIGKILL', `child died on its own: ${stderr}`);
    assert.ok(acked.length >= 25, `child acknowledged only ${acked.length} commits: ${stderr}`);

    const reopened = await openLocalCoordinator({ path: dir });
    const stored = new Map((await reopened.list('acked/')).map((e) => [e.key, e]));
    for (const key of acked) assert.ok(stored.has(key), `acknowledged ${key} survived`);
    const versions = [...stored.values()].map((e) => e.version);
    assert.equal(new Set(versions).size, versions.length, 'no version handed out twice');
    await reopened.close();
  });

  it('rejects malformed commits with a plain error and applies nothing', async () => {
    const c = await openLocalCoordinator({ path: await freshDir() });
    const bad: unknown[][] = [
      [{ kind: 'upsert', key: 'k', value: 'v' }],
      [{ kind: 'put', key: '', value: 'v' }],
      [{ kind: 'put', key: 'k', value: 42 }],
      [{ kind: 'check', key: 'k' }],
      [{ kind: 'put', key: 'k', value: 'v', expectedVersion: 0 }],
      [{ kind: 'put', key: 'k', value: 'v', expectedVersion: 1.5 }],
      [{ kind: 'put', key: 'ok', value: 'v' }, { kind: 'put', key: 'x'.repeat(2000), value: 'v' }],
      [{ kind: 'put', key: 'lone\uD800', value: 'v' }],
    ];
    for (const ops of bad) {
      await assert.rejects(c.commit(ops as CommitOp[]), (err: unknown) =>
        err instanceof Error && err.name === 'Error', JSON.stringify(ops).slice(0, 80));
    }
    assert.deepEqual(await c.list(''), []);
    await assert.rejects(c.get(''), /non-empty string/);
    await c.close();
  });

  it('hands errors thrown by watch callbacks to onWatchError, outside the commit', async () => {
    const errors: Array<{ message: string; key: string }> = [];
    const c = await openLocalCoordinator({
      path: await freshDir(),
      onWatchError: (error, key) => errors.push({ message: (error as Error).message, key }),
    });
    let insideCommit = false;
    c.watch('w/', () => {
      assert.equal(insideCommit, false, 'callbacks never run inside commit()');
      throw new Error('boom');
    });
    insideCommit = true;
    const committing = c.commit([{ kind: 'put', key: 'w/1', value: 'x' }]);
    insideCommit = false;
    await committing;
    for (let i = 0; i < 100 && errors.length === 0; i++) await sleep(5);
    assert.deepEqual(errors, [{ message: 'boom', key: 'w/1' }]);
    await c.close();
  });

  it('expires leases by its clock and validates heartbeats', async () => {
    let now = 1_000_000;
    const c = await openLocalCoordinator({ path: await freshDir(), now: () => now });
    await c.heartbeat({ id: 'b', role: 'proxy', info: { address: 'h:1' } }, 5_000);
    await c.heartbeat({ id: 'a', role: 'indexer', info: {} }, 1_000);
    assert.deepEqual(await c.liveProcesses(), [
      { id: 'a', role: 'indexer', info: {}, expiresAt: 1_001_000 },
      { id: 'b', role: 'proxy', info: { address: 'h:1' }, expiresAt: 1_005_000 },
    ]);
    now += 1_000;
    assert.deepEqual((await c.liveProcesses()).map((p) => p.id), ['b']);
    now += 3_999;
    assert.deepEqual((await c.liveProcesses()).map((p) => p.id), ['b']);
    now += 1;
    assert.deepEqual(await c.liveProcesses(), []);
    await assert.rejects(c.heartbeat({ id: '', role: 'x', info: {} }, 1_000), /process id/);
    await assert.rejects(c.heartbeat({ id: 'z', role: 'x', info: {} }, 0), /ttlMs/);
    await assert.rejects(c.heartbeat({ id: 'z', role: 'x', info: {} }, Number.NaN), /ttlMs/);
    await c.close();
  });

  it('closes idempotently and then refuses work with CoordinatorUnavailableError', async () => {
    const c = await openLocalCoordinator({ path: await freshDir() });
    const calls: string[] = [];
    c.watch('', (key) => calls.push(key));
    const pending = c.commit([{ kind: 'put', key: 'last', value: 'x' }]);
    await Promise.all([c.close(), c.close()]);
    assert.deepEqual(await pending, { last: 1 }, 'a commit in flight at close still completes');
    await assert.rejects(c.get('last'), CoordinatorUnavailableError);
    await assert.rejects(c.commit([{ kind: 'put', key: 'k', value: 'v' }]), CoordinatorUnavailableError);
    await assert.rejects(c.liveProcesses(), CoordinatorUnavailableError);
    await sleep(20);
    assert.deepEqual(calls, [], 'no notifications after close');
  });
});
